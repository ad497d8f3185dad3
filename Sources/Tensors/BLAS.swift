// The BLAS edge: the only file in ThinkStream that calls OpenBLAS.
// Legend: m, n, k = GEMM sizes (C is [m, n], the shared dimension is k); lda/ldb/ldc = row strides in elements.
import COpenBLAS

/// Row-major wrappers over OpenBLAS (CBLAS) single-precision routines.
public enum BLAS {
    /// Sets how many worker threads OpenBLAS uses for each call.
    ///
    /// - Parameters:
    ///   - count: the thread count, at least 1.
    ///
    /// Wraps `openblas_set_num_threads`.
    public static func setThreadCount(_ count: Int) {
        precondition(count >= 1, "BLAS thread count must be at least 1, got \(count)")
        openblas_set_num_threads(Int32(count))
    }

    /// The number of worker threads OpenBLAS currently uses. Wraps `openblas_get_num_threads`.
    public static var threadCount: Int { Int(openblas_get_num_threads()) }

    /// Single-precision GEMM on row-major matrices: `C = alpha * op(A) * op(B) + beta * C`.
    ///
    /// Shapes, all row-major: `op(A)` is `[m, k]`, `op(B)` is `[k, n]`, `C` is `[m, n]`.
    /// - `transposeA == false`: `A` is stored `[m, k]` (lda >= k); `true`: `A` is stored `[k, m]` (lda >= m).
    /// - `transposeB == false`: `B` is stored `[k, n]` (ldb >= n); `true`: `B` is stored `[n, k]` (ldb >= k).
    ///
    /// A linear layer `y = x W^T` with `x: [N, in]`, `W: [out, in]` is
    /// `sgemm(transposeA: false, transposeB: true, m: N, n: out, k: in, a: x, lda: in, b: W, ldb: in, c: y, ldc: out)`.
    ///
    /// - Parameters:
    ///   - transposeA: use `A^T` in place of `A`.
    ///   - transposeB: use `B^T` in place of `B`.
    ///   - m: rows of `C`.
    ///   - n: columns of `C`.
    ///   - k: the shared dimension.
    ///   - alpha: scale on the product.
    ///   - a: the `A` matrix.
    ///   - lda: row stride of `A` as stored.
    ///   - b: the `B` matrix.
    ///   - ldb: row stride of `B` as stored.
    ///   - beta: scale on the existing `C` (0 overwrites, 1 accumulates).
    ///   - c: the output matrix.
    ///   - ldc: row stride of `C`.
    ///
    /// Wraps `cblas_sgemm`.
    public static func sgemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        precondition(m >= 0 && n >= 0 && k >= 0, "sgemm: negative size m=\(m) n=\(n) k=\(k)")
        precondition(lda >= max(1, transposeA ? m : k), "sgemm: lda \(lda) too small")
        precondition(ldb >= max(1, transposeB ? k : n), "sgemm: ldb \(ldb) too small")
        precondition(ldc >= max(1, n), "sgemm: ldc \(ldc) too small")
        if m == 0 || n == 0 { return }
        cblas_sgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}
