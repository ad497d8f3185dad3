// Linear warm-up then cosine decay (Loshchilov & Hutter, SGDR 2017; GPT-3 style).
// Legend: step = 0-based optimizer step, warmupSteps, totalSteps, maxLearningRate, minLearningRate.
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Learning rate as a function of the optimizer step: linear warm-up to `maxLearningRate`, then a half cosine down
/// to `minLearningRate` at `totalSteps`, constant after that.
public struct LearningRateSchedule: Sendable, Equatable {
    /// Peak learning rate, reached at the end of warm-up.
    public var maxLearningRate: Float
    /// Final learning rate.
    public var minLearningRate: Float
    /// Warm-up steps.
    public var warmupSteps: Int
    /// Steps until the cosine reaches `minLearningRate`.
    public var totalSteps: Int

    /// Creates a schedule.
    ///
    /// - Parameters: one per property; `warmupSteps <= totalSteps`.
    public init(maxLearningRate: Float, minLearningRate: Float, warmupSteps: Int, totalSteps: Int) {
        precondition(warmupSteps >= 0 && totalSteps >= warmupSteps, "need 0 <= warmupSteps <= totalSteps")
        self.maxLearningRate = maxLearningRate
        self.minLearningRate = minLearningRate
        self.warmupSteps = warmupSteps
        self.totalSteps = totalSteps
    }

    /// The learning rate for a 0-based step: `max * (step+1)/warmup` during warm-up, then
    /// `min + (max - min) * (1 + cos(pi * progress)) / 2`.
    ///
    /// - Parameters:
    ///   - step: the 0-based optimizer step.
    public func learningRate(atStep step: Int) -> Float {
        if step < warmupSteps {
            return maxLearningRate * Float(step + 1) / Float(warmupSteps)
        }
        if step >= totalSteps { return minLearningRate }
        let progress = Double(step - warmupSteps) / Double(max(totalSteps - warmupSteps, 1))
        let cosine = 0.5 * (1 + cos(Double.pi * progress))
        return minLearningRate + Float(cosine) * (maxLearningRate - minLearningRate)
    }
}
