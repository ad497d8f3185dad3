// Global-norm gradient clipping (Pascanu et al. 2013), as torch.nn.utils.clip_grad_norm_.
// Legend: norm = sqrt(sum of squares over every gradient element).
import Tensors

/// Clips all gradients together by their global L2 norm.
public enum GradientClipping {
    /// The global L2 norm of `gradients`, accumulated in `Double`.
    ///
    /// - Parameters:
    ///   - gradients: every gradient element. // [count]
    public static func globalNorm(_ gradients: FloatBuffer) -> Double {
        let chunks = 64  // fixed chunking, summed in order: the same result for any thread count
        let count = gradients.count
        var partial = [Double](repeating: 0, count: chunks)  // [chunks]
        partial.withUnsafeMutableBufferPointer { partialSums in
            ParallelLoop.forEach(iterations: chunks, threads: count >= 1 << 16 ? 2 : 1) { chunk in
                let start = count * chunk / chunks
                let end = count * (chunk + 1) / chunks
                partialSums[chunk] = Elementwise.sumOfSquares(gradients.pointer + start, count: end - start)
            }
        }
        return partial.reduce(0, +).squareRoot()
    }

    /// The factor ``clip(_:maxNorm:)`` would scale by: `maxNorm / (norm + 1e-6)` above `maxNorm`, else 1.
    ///
    /// - Parameters:
    ///   - norm: the global norm from ``globalNorm(_:)``.
    ///   - maxNorm: the largest allowed norm.
    public static func scale(forNorm norm: Double, maxNorm: Float) -> Float {
        norm > Double(maxNorm) ? Float(Double(maxNorm) / (norm + 1e-6)) : 1
    }

    /// Scales `gradients` by `maxNorm / (norm + 1e-6)` when the global norm exceeds `maxNorm`.
    ///
    /// - Parameters:
    ///   - gradients: scaled in place. // [count]
    ///   - maxNorm: the largest allowed norm.
    /// - Returns: the norm before clipping.
    @discardableResult
    public static func clip(_ gradients: FloatBuffer, maxNorm: Float) -> Double {
        let norm = globalNorm(gradients)
        let factor = scale(forNorm: norm, maxNorm: maxNorm)
        if factor != 1 { Elementwise.scale(gradients.pointer, by: factor, count: gradients.count) }
        return norm
    }
}
