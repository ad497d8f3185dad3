// RMSNorm forward and backward (Zhang & Sennrich 2019), as in llama: out = x / sqrt(mean(x^2) + eps) * weight.
// Legend: N = B*T rows, C = channels, rstd = 1 / sqrt(mean(x^2) + eps), xhat = x * rstd.
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Tensors

/// Root-mean-square normalization over the last dimension, with a learned per-channel scale.
public enum RMSNorm {
    /// Normalizes each row of `x` and scales it by `weight`; keeps `rstd` for the backward pass.
    ///
    /// - Parameters:
    ///   - out: the result. // [N, C]
    ///   - rstd: per-row reciprocal RMS, written. // [N]
    ///   - x: the input. // [N, C]
    ///   - weight: the scale. // [C]
    ///   - N: rows.
    ///   - C: channels.
    ///   - eps: added to the mean square.
    public static func forward(
        out: UnsafeMutablePointer<Float>, rstd: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>,
        weight: UnsafePointer<Float>, N: Int, C: Int, eps: Float
    ) {
        ParallelLoop.forEach(iterations: N, threads: N * C >= 1 << 14 ? 2 : 1) { n in
            let row = x + n * C
            let meanSquare = Elementwise.sumOfSquares(row, count: C) / Double(C)
            let r = Float(1 / (meanSquare + Double(eps)).squareRoot())
            rstd[n] = r
            let outRow = out + n * C
            for i in 0..<C { outRow[i] = row[i] * r * weight[i] }
        }
    }

    /// Accumulates the gradients of ``forward(out:rstd:x:weight:N:C:eps:)``:
    /// `dweight += sum_n dout * xhat`, `dx += rstd * (dout*weight - xhat * mean(dout*weight*xhat))`.
    ///
    /// - Parameters:
    ///   - dx: input gradient, accumulated. // [N, C]
    ///   - dweight: scale gradient, accumulated. // [C]
    ///   - dout: output gradient. // [N, C]
    ///   - x: the forward input. // [N, C]
    ///   - weight: the scale. // [C]
    ///   - rstd: from the forward pass. // [N]
    ///   - N: rows.
    ///   - C: channels.
    public static func backward(
        dx: UnsafeMutablePointer<Float>, dweight: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>,
        x: UnsafePointer<Float>, weight: UnsafePointer<Float>, rstd: UnsafePointer<Float>, N: Int, C: Int
    ) {
        for n in 0..<N {
            let xRow = x + n * C
            let doutRow = dout + n * C
            let dxRow = dx + n * C
            let r = rstd[n]
            var meanTerm = 0.0  // mean over C of dout*weight*xhat
            for i in 0..<C {
                meanTerm += Double(doutRow[i] * weight[i]) * Double(xRow[i] * r)
            }
            let mean = Float(meanTerm / Double(C))
            for i in 0..<C {
                let xhat = xRow[i] * r
                dweight[i] += doutRow[i] * xhat
                dxRow[i] += r * (doutRow[i] * weight[i] - xhat * mean)
            }
        }
    }
}
