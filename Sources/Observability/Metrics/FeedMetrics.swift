/// The feed job's metrics (`thinkstream_feed_*`).
public struct FeedMetrics: Sendable {
    public static let documentsIn = MetricDefinition.counter(
        "documents_in_total", help: "Records read from the inputs (documents, duplicates and refused records).")
    public static let documentsProduced = MetricDefinition.counter(
        "documents_produced_total", help: "Documents accepted and produced to the raw topic.")
    public static let duplicates = MetricDefinition.counter(
        "duplicates_total", help: "Exact duplicate documents dropped.")
    public static let deadLetters = MetricDefinition.counter(
        "dead_letters_total", help: "Records refused and produced to the dead-letter topic, by reason.")
    public static let inputBytes = MetricDefinition.counter("input_bytes_total", help: "Input bytes read.")
    public static let documentsPerSecond = MetricDefinition.gauge(
        "documents_per_second", help: "Records read per second since the run started.")

    public let registry: MetricsRegistry

    public init(registry: MetricsRegistry) { self.registry = registry }

    /// Raises the counters to the run's running totals and sets the rate.
    /// - Parameters:
    ///   - read: records read so far.
    ///   - deadLettersByReason: refused records so far, by reason code.
    public func update(
        read: Int, produced: Int, duplicates: Int, deadLettersByReason: [String: Int], bytesRead: Int64,
        documentsPerSecond: Double
    ) {
        registry.advance(Self.documentsIn, to: Int64(read))
        registry.advance(Self.documentsProduced, to: Int64(produced))
        registry.advance(Self.duplicates, to: Int64(duplicates))
        registry.advance(Self.inputBytes, to: bytesRead)
        for (reason, count) in deadLettersByReason {
            registry.advance(Self.deadLetters, to: Int64(count), labels: ["reason": reason])
        }
        registry.set(Self.documentsPerSecond, to: documentsPerSecond)
    }
}
