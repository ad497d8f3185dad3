import Shards

/// A snapshot of a training run after a step, for the terminal, the metrics topic and Prometheus.
/// Losses are natural-log cross-entropy means over the step's real (non-padding) targets.
public struct TrainProgress: Sendable, Equatable {
    /// Optimizer steps done (the 0-based index of the next step).
    public var step = 0
    public var maxSteps = 0
    /// The 0-based pass over the shards topic (`TrainConfiguration.epochs`).
    public var epoch = 0
    /// Mean loss over all real targets of the last step.
    public var loss: Float = 0
    /// Mean loss over targets inside `documentSpan`s, `nil` when the step had none.
    public var documentLoss: Float?
    /// Mean loss over targets inside `thinkingSpan`s, `nil` when the step had none.
    public var thinkingLoss: Float?
    /// Mean loss per difficulty level of the targets' samples.
    public var lossByLevel: [ReasoningLevel: Float] = [:]
    public var learningRate: Float = 0
    /// Global gradient norm before clipping.
    public var gradientNorm: Float = 0
    public var stepSeconds: Double = 0
    /// Real targets of the last step per second of step time.
    public var tokensPerSecond: Double = 0
    /// Sample ids completed by the last step.
    public var completedSampleIDs: [String] = []
    /// Cumulative counters, kept across restarts in the checkpoint.
    public var totals = TrainTotals()
    /// The last evaluation, if one ran.
    public var evaluation: TrainEvaluationResult?
    /// Step of the newest durable checkpoint.
    public var lastCheckpointStep: Int?
    /// Records of the shards topic behind the group's committed offsets; the service leaves it nil and `thinkstream
    /// train` fills it from its consumer-lag monitor (watermarks alone are wrong on the embedded broker).
    public var consumerLag: Int64?
    public init() {}
}

/// Counters of a run, across restarts.
public struct TrainTotals: Sendable, Equatable, Codable {
    /// Real targets trained.
    public var tokensTrained = 0
    /// Samples whose every token has been trained.
    public var samplesTrained = 0
    public var samplesByLevel: [ReasoningLevel: Int] = [:]
    /// Shards read and accepted.
    public var shardsAccepted = 0
    /// Samples dropped because their id was already trained or pending.
    public var duplicateSamples = 0
    public var deadLetters = 0
    public var deadLettersByReason: [String: Int] = [:]
    public init() {}
}

/// What `TrainService.run` did.
public struct TrainSummary: Sendable, Equatable {
    /// The step the run resumed from (0 for a new run).
    public var resumedFromStep = 0
    /// The checkpoint it resumed from.
    public var resumedFrom: String?
    /// The state after the last step.
    public var progress = TrainProgress()
    /// Wall time of this process's run.
    public var seconds: Double = 0
    /// Why it stopped.
    public var stopReason = TrainStopReason.maxSteps
    /// Loss of each step of this process, in order.
    public var losses: [Float] = []
    /// Real targets trained by this process per second of wall time.
    public var tokensPerSecond: Double = 0
    public init() {}
}
