// One optimizer step with gradient accumulation: zero, forward/backward per micro-batch, clip, AdamW.
// Legend: K = number of micro-batches; the step's loss is the mean over micro-batches.
import Tensors

/// What one ``LlamaModel/trainStep(microBatches:optimizer:learningRate:maxGradientNorm:)`` did.
public struct TrainingStepResult: Sendable, Equatable {
    /// Mean loss over the micro-batches, before the update.
    public var loss: Float
    /// Global gradient norm before clipping.
    public var gradientNorm: Float
    /// Learning rate used.
    public var learningRate: Float
    /// Tokens trained on (sum of `B*T`).
    public var tokens: Int
    /// Each position's unweighted loss, micro-batches concatenated. // [sum of B*T]
    public var positionLosses: [Float] = []
}

extension LlamaModel {
    /// Takes one optimizer step over `microBatches` with gradient accumulation: the gradient is the mean of the
    /// micro-batch gradients, optionally clipped by global norm (the clip factor is applied inside AdamW, so
    /// ``gradients`` keeps the unclipped mean), then applied by `optimizer`.
    ///
    /// - Parameters:
    ///   - microBatches: at least one batch; all may have different shapes.
    ///   - optimizer: AdamW state for this model's layout.
    ///   - learningRate: e.g. from ``LearningRateSchedule/learningRate(atStep:)``.
    ///   - maxGradientNorm: clip threshold, or `nil` for no clipping.
    /// - Returns: the loss, gradient norm, learning rate and token count.
    @discardableResult
    public func trainStep(
        microBatches: [TokenBatch], optimizer: AdamW, learningRate: Float, maxGradientNorm: Float? = 1
    ) -> TrainingStepResult {
        precondition(!microBatches.isEmpty, "trainStep needs at least one micro-batch")
        zeroGradients()
        let scale = 1 / Float(microBatches.count)
        var lossSum: Float = 0
        var positionLosses: [Float] = []
        for batch in microBatches {
            lossSum += forward(batch)
            positionLosses += lastPositionLosses
            backward(lossScale: scale)
        }
        let norm = GradientClipping.globalNorm(gradients)
        let clipScale = maxGradientNorm.map { GradientClipping.scale(forNorm: norm, maxNorm: $0) } ?? 1
        optimizer.update(
            parameters: parameters, gradients: gradients, learningRate: learningRate, gradientScale: clipScale)
        return TrainingStepResult(
            loss: lossSum * scale, gradientNorm: Float(norm), learningRate: learningRate,
            tokens: microBatches.reduce(0) { $0 + $1.B * $1.T }, positionLosses: positionLosses)
    }
}
