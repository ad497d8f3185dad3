/// The trainer's metrics (`thinkstream_train_*`); the dashboard reads these names.
public struct TrainMetrics: Sendable {
    public static let shardsConsumed = MetricDefinition.counter("shards_consumed_total", help: "Shards consumed.")
    public static let tokensTrained = MetricDefinition.counter("tokens_trained_total", help: "Tokens trained on.")
    public static let steps = MetricDefinition.counter("steps_total", help: "Optimizer steps taken.")
    public static let lossDocument = MetricDefinition.gauge(
        "loss_document_nats", help: "Mean cross-entropy on document tokens at the last step.")
    public static let lossThinking = MetricDefinition.gauge(
        "loss_thinking_nats", help: "Mean cross-entropy on thinking tokens at the last step.")
    public static let consumerLag = MetricDefinition.gauge(
        "consumer_lag_records", help: "Shards-topic records not yet consumed, by partition.")
    public static let deadLetters = MetricDefinition.counter(
        "dead_letters_total", help: "Shards refused to the dead-letter topic, by reason.")

    public static let lossAll = MetricDefinition.gauge(
        "loss_nats", help: "Mean cross-entropy over all tokens at the last step.")
    public static let lossByLevel = MetricDefinition.gauge(
        "loss_by_level_nats", help: "Mean cross-entropy at the last step, by the samples' reasoning level.")
    public static let learningRate = MetricDefinition.gauge(
        "learning_rate_ratio", help: "Learning rate of the last step.")
    public static let gradientNorm = MetricDefinition.gauge(
        "gradient_norm_ratio", help: "Global gradient norm before clipping.")
    public static let stepTime = MetricDefinition.gauge(
        "step_duration_seconds", help: "Wall time of the last optimizer step.")
    public static let throughput = MetricDefinition.gauge(
        "throughput_tokens_per_second", help: "Tokens per second of the last step.")
    public static let samplesSeen = MetricDefinition.counter(
        "samples_total", help: "Samples trained on, by reasoning level.")

    public let registry: MetricsRegistry

    public init(registry: MetricsRegistry) { self.registry = registry }

    /// Records one optimizer step: its losses and the tokens it trained on.
    public func stepDone(documentLoss: Double, thinkingLoss: Double, tokens: Int) {
        registry.increment(Self.steps)
        registry.increment(Self.tokensTrained, by: Int64(tokens))
        registry.set(Self.lossDocument, to: documentLoss)
        registry.set(Self.lossThinking, to: thinkingLoss)
    }

    public func shardConsumed() { registry.increment(Self.shardsConsumed) }

    /// Records the rest of a step's numbers: overall and per-level loss, learning rate, gradient norm, timing.
    public func stepDetails(
        loss: Double, lossByLevel: [String: Double], learningRate: Double, gradientNorm: Double, stepSeconds: Double,
        tokensPerSecond: Double
    ) {
        registry.set(Self.lossAll, to: loss)
        for (level, value) in lossByLevel { registry.set(Self.lossByLevel, to: value, labels: ["level": level]) }
        registry.set(Self.learningRate, to: learningRate)
        registry.set(Self.gradientNorm, to: gradientNorm)
        registry.set(Self.stepTime, to: stepSeconds)
        registry.set(Self.throughput, to: tokensPerSecond)
    }

    /// Counts samples trained on at a reasoning level.
    public func samplesSeen(level: String, count: Int) {
        guard count > 0 else { return }
        registry.increment(Self.samplesSeen, by: Int64(count), labels: ["level": level])
    }

    public func setLag(partition: Int32, records: Int64) {
        registry.set(Self.consumerLag, to: Double(records), labels: ["partition": String(partition)])
    }
}
