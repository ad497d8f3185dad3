// BLAS.sgemm against its naive twin for every transpose combination.
import Tensors
import Testing

@Suite struct BLASTests {
    static let tolerance: Float = 1e-5

    @Test(arguments: [(false, false), (false, true), (true, false), (true, true)])
    func sgemmMatchesReference(transposeA: Bool, transposeB: Bool) {
        let (m, n, k) = (5, 7, 6)
        var random = TestRandom(seed: 11)
        let a = FloatBuffer(random.floats(m * k))  // [m, k] or [k, m]
        let b = FloatBuffer(random.floats(k * n))  // [k, n] or [n, k]
        let c0 = random.floats(m * n)
        let (fast, slow) = (FloatBuffer(c0), FloatBuffer(c0))  // [m, n]
        let (lda, ldb) = (transposeA ? m : k, transposeB ? k : n)
        BLAS.sgemm(
            transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 0.5, a: a.pointer, lda: lda,
            b: b.pointer, ldb: ldb, beta: 1, c: fast.pointer, ldc: n)
        BLAS.sgemmReference(
            transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 0.5, a: a.pointer, lda: lda,
            b: b.pointer, ldb: ldb, beta: 1, c: slow.pointer, ldc: n)
        let maxDiff = withExtendedLifetime((a, b)) { zip(fast.array, slow.array).map { abs($0 - $1) }.max() ?? 0 }
        print("sgemm transposeA=\(transposeA) transposeB=\(transposeB): max diff \(maxDiff)")
        #expect(maxDiff < Self.tolerance)
    }
}
