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

    public func setLag(partition: Int32, records: Int64) {
        registry.set(Self.consumerLag, to: Double(records), labels: ["partition": String(partition)])
    }
}
