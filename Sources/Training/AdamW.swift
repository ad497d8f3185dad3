// Reference: Loshchilov & Hutter, "Decoupled Weight Decay Regularization" (ICLR 2019), Algorithm 2;
// Kingma & Ba, "Adam" (2015) for the moments and bias correction. Matches torch.optim.AdamW.
// Legend: t = step (1-based), g = gradient, m/v = first/second moments, lr = learning rate, wd = weight decay,
// mHat = m / (1 - beta1^t), vHat = v / (1 - beta2^t); p -= lr * (mHat / (sqrt(vHat) + eps) + wd * p),
// with wd applied to 2-D weights only.
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Tensors

/// AdamW hyperparameters other than the learning rate (which comes from the schedule each step).
public struct AdamWConfiguration: Sendable, Equatable {
    /// First-moment decay.
    public var beta1: Float
    /// Second-moment decay.
    public var beta2: Float
    /// Added to `sqrt(vHat)`.
    public var eps: Float
    /// Decoupled weight decay, applied to 2-D weights only.
    public var weightDecay: Float

    /// Creates a configuration.
    ///
    /// - Parameters: one per property; the defaults are common LLM pre-training values.
    public init(beta1: Float = 0.9, beta2: Float = 0.95, eps: Float = 1e-8, weightDecay: Float = 0.1) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.weightDecay = weightDecay
    }
}

/// AdamW with decoupled weight decay and bias correction over a ``ParameterLayout``'s flat buffers.
public final class AdamW {
    /// Hyperparameters.
    public let configuration: AdamWConfiguration
    /// Steps taken so far.
    public private(set) var step = 0
    let layout: ParameterLayout
    let m: FloatBuffer  // [layout.count]
    let v: FloatBuffer  // [layout.count]

    /// Creates zeroed optimizer state for `layout`.
    ///
    /// - Parameters:
    ///   - layout: the parameter table (decides which tensors decay).
    ///   - configuration: hyperparameters.
    public init(layout: ParameterLayout, configuration: AdamWConfiguration = AdamWConfiguration()) {
        self.layout = layout
        self.configuration = configuration
        m = FloatBuffer(count: layout.count)
        v = FloatBuffer(count: layout.count)
    }

    /// First moments, for checkpoints. // [layout.count]
    public var firstMoment: FloatBuffer { m }
    /// Second moments, for checkpoints. // [layout.count]
    public var secondMoment: FloatBuffer { v }

    /// Replaces the optimizer state with a checkpoint's.
    ///
    /// - Parameters:
    ///   - step: steps taken so far.
    ///   - firstMoment: `m`. // [layout.count]
    ///   - secondMoment: `v`. // [layout.count]
    public func restore(step: Int, firstMoment: [Float], secondMoment: [Float]) {
        precondition(firstMoment.count == layout.count && secondMoment.count == layout.count, "AdamW: size mismatch")
        self.step = step
        firstMoment.withUnsafeBufferPointer { m.pointer.update(from: $0.baseAddress!, count: layout.count) }
        secondMoment.withUnsafeBufferPointer { v.pointer.update(from: $0.baseAddress!, count: layout.count) }
    }

    /// Takes one step: updates the moments from `gradients` and `parameters` in place.
    ///
    /// - Parameters:
    ///   - parameters: updated in place. // [layout.count]
    ///   - gradients: the gradient. // [layout.count]
    ///   - learningRate: this step's learning rate.
    ///   - gradientScale: multiplies every gradient element as it is read (global-norm clipping fused in), so
    ///     the gradient buffer itself is left unscaled.
    public func update(parameters: FloatBuffer, gradients: FloatBuffer, learningRate: Float, gradientScale: Float = 1) {
        precondition(parameters.count == layout.count && gradients.count == layout.count, "AdamW: size mismatch")
        step += 1
        let (beta1, beta2, eps) = (configuration.beta1, configuration.beta2, configuration.eps)
        // torch.optim.AdamW's arrangement: p -= lr*wd*p; p -= (lr / c1) * m / (sqrt(v) / sqrt(c2) + eps).
        let stepSize = learningRate / Float(1 - pow(Double(beta1), Double(step)))  // lr / c1
        let inverseRootCorrection2 = Float(1 / (1 - pow(Double(beta2), Double(step))).squareRoot())  // 1 / sqrt(c2)
        let (p, g, m, v) = (parameters.pointer, gradients.pointer, m.pointer, v.pointer)
        let chunkCount = 64  // tensor ranges are cut into chunks so two threads share the work evenly
        for tensor in layout.tensors {
            let decayFactor = tensor.isDecayed ? 1 - learningRate * configuration.weightDecay : 1
            let threads = tensor.count >= 1 << 16 ? 2 : 1
            let chunks = threads == 1 ? 1 : chunkCount
            ParallelLoop.forEach(iterations: chunks, threads: threads) { chunk in
                let start = tensor.offset + tensor.count * chunk / chunks
                let end = tensor.offset + tensor.count * (chunk + 1) / chunks
                for i in start..<end {
                    let gi = g[i] * gradientScale
                    m[i] = beta1 * m[i] + (1 - beta1) * gi
                    v[i] = beta2 * v[i] + (1 - beta2) * gi * gi
                    let denominator = v[i].squareRoot() * inverseRootCorrection2 + eps
                    p[i] = p[i] * decayFactor - stepSize * m[i] / denominator
                }
            }
        }
    }
}
