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
        Elementwise.sumOfSquares(gradients.pointer, count: gradients.count).squareRoot()
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
        if norm > Double(maxNorm) {
            Elementwise.scale(gradients.pointer, by: Float(Double(maxNorm) / (norm + 1e-6)), count: gradients.count)
        }
        return norm
    }
}
