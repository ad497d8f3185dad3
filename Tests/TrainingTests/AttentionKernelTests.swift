// CausalAttention (sgemm) against its naive twin CausalAttention+Reference, forward and backward, with GQA.
import Tensors
import Testing
import Training

@Suite struct AttentionKernelTests {
    static let tolerance: Float = 1e-5

    func maxDifference(_ a: FloatBuffer, _ b: FloatBuffer) -> Float {
        zip(a.array, b.array).map { abs($0 - $1) }.max() ?? 0
    }

    @Test(arguments: [
        AttentionShape(B: 2, T: 7, nHeads: 4, nKVHeads: 2, headDim: 8),
        AttentionShape(B: 1, T: 40, nHeads: 3, nKVHeads: 1, headDim: 16),
        AttentionShape(B: 2, T: 33, nHeads: 2, nKVHeads: 2, headDim: 4),
    ])
    func sgemmAttentionMatchesReference(shape: AttentionShape) {
        let (N, qDim, kvDim) = (shape.B * shape.T, shape.nHeads * shape.headDim, shape.nKVHeads * shape.headDim)
        let attCount = shape.B * shape.nHeads * shape.T * shape.T
        var random = TestRandom(seed: 21)
        let q = FloatBuffer(random.floats(N * qDim))  // [B, T, qDim]
        let k = FloatBuffer(random.floats(N * kvDim))  // [B, T, kvDim]
        let v = FloatBuffer(random.floats(N * kvDim))  // [B, T, kvDim]
        let dout = FloatBuffer(random.floats(N * qDim))  // [B, T, qDim]
        let initial = (random.floats(N * qDim), random.floats(N * kvDim), random.floats(N * kvDim))
        var results: [[FloatBuffer]] = []
        for fast in [true, false] {
            let (out, att) = (FloatBuffer(count: N * qDim), FloatBuffer(count: attCount))
            let (dq, dk, dv) = (FloatBuffer(initial.0), FloatBuffer(initial.1), FloatBuffer(initial.2))  // accumulated
            if fast {
                let dAtt = FloatBuffer(count: attCount)
                CausalAttention.forward(
                    out: out.pointer, att: att.pointer, q: q.pointer, k: k.pointer, v: v.pointer, shape: shape)
                CausalAttention.backward(
                    dq: dq.pointer, dk: dk.pointer, dv: dv.pointer, dAtt: dAtt.pointer, dout: dout.pointer,
                    att: att.pointer, q: q.pointer, k: k.pointer, v: v.pointer, shape: shape)
            } else {
                CausalAttention.forwardReference(
                    out: out.pointer, att: att.pointer, q: q.pointer, k: k.pointer, v: v.pointer, shape: shape)
                CausalAttention.backwardReference(
                    dq: dq.pointer, dk: dk.pointer, dv: dv.pointer, dout: dout.pointer, att: att.pointer,
                    q: q.pointer, k: k.pointer, v: v.pointer, shape: shape)
            }
            results.append([out, att, dq, dk, dv])
        }
        for (index, name) in ["out", "att", "dq", "dk", "dv"].enumerated() {
            let diff = withExtendedLifetime((q, k, v, dout)) { maxDifference(results[0][index], results[1][index]) }
            print("attention \(shape.B)x\(shape.T) heads \(shape.nHeads)/\(shape.nKVHeads) \(name): max diff \(diff)")
            #expect(diff < Self.tolerance, "\(name)")
        }
    }
}
