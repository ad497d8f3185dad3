// A bias-free linear layer y = x W^T through sgemm, forward and backward.
// Legend: N = B*T rows, inDim/outDim = layer widths; W is [outDim, inDim] (ggml ne0 = inDim).
import Tensors

/// The matmul of every projection in the model (q, k, v, output, gate, up, down, LM head).
public enum Linear {
    /// `out = x W^T`.
    ///
    /// - Parameters:
    ///   - out: the result, overwritten. // [N, outDim]
    ///   - x: the input. // [N, inDim]
    ///   - weight: the weight. // [outDim, inDim]
    ///   - N: rows.
    ///   - inDim: input width.
    ///   - outDim: output width.
    public static func forward(
        out: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        N: Int, inDim: Int, outDim: Int
    ) {
        BLAS.sgemm(
            transposeA: false, transposeB: true, m: N, n: outDim, k: inDim,
            a: x, lda: inDim, b: weight, ldb: inDim, beta: 0, c: out, ldc: outDim)
    }

    /// Accumulates `dx += dout W` and `dweight += dout^T x`.
    ///
    /// - Parameters:
    ///   - dx: input gradient, accumulated; `nil` skips it. // [N, inDim]
    ///   - dweight: weight gradient, accumulated. // [outDim, inDim]
    ///   - dout: output gradient. // [N, outDim]
    ///   - x: the forward input. // [N, inDim]
    ///   - weight: the weight. // [outDim, inDim]
    ///   - N: rows.
    ///   - inDim: input width.
    ///   - outDim: output width.
    public static func backward(
        dx: UnsafeMutablePointer<Float>?, dweight: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>,
        x: UnsafePointer<Float>, weight: UnsafePointer<Float>, N: Int, inDim: Int, outDim: Int
    ) {
        if let dx {
            BLAS.sgemm(
                transposeA: false, transposeB: false, m: N, n: inDim, k: outDim,
                a: dout, lda: outDim, b: weight, ldb: inDim, beta: 1, c: dx, ldc: inDim)
        }
        BLAS.sgemm(
            transposeA: true, transposeB: false, m: outDim, n: inDim, k: N,
            a: dout, lda: outDim, b: x, ldb: inDim, beta: 1, c: dweight, ldc: inDim)
    }
}
