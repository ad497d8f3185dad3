import Foundation
import Kafka
import Logging
import ServiceLifecycle
import Synchronization

/// Publishes a registry's snapshot to the metrics topic every `interval`, and once more, marked final, on the way out.
///
/// Use it as a `Service` in a `ServiceGroup` (`run()` publishes until graceful shutdown, then the final event), or from
/// synchronous code: start `runPeriodically()` in a task, cancel it when done, then `publish(isFinal: true)` and flush.
public final class MetricsPublisher: Service, Sendable {
    public let registry: MetricsRegistry
    public let topic: String
    public let interval: Duration
    private let producer: KafkaProducer
    private let logger: Logger
    private let sequence = Atomic<Int64>(0)

    /// - Parameters:
    ///   - registry: whose snapshot to publish.
    ///   - producer: any producer of the process; records are enqueued, never awaited.
    ///   - topic: the metrics topic (`TopicNames.metrics`).
    ///   - interval: time between events.
    public init(registry: MetricsRegistry, producer: KafkaProducer, topic: String, interval: Duration, logger: Logger) {
        self.registry = registry
        self.producer = producer
        self.topic = topic
        self.interval = interval
        self.logger = logger
    }

    /// Enqueues one metrics event with the current values.
    /// - Returns: the event sent.
    /// - Throws: `KafkaError` when the producer refuses the record.
    @discardableResult
    public func publish(isFinal: Bool = false) throws -> MetricsEvent {
        let number = sequence.add(1, ordering: .relaxed).oldValue
        let event = registry.event(sequence: number, isFinal: isFinal, interval: interval)
        try producer.send(
            topic: topic, key: Array(registry.identity.instanceID.utf8), value: event.encoded(),
            headers: [KafkaHeader(name: "schema", string: MetricsEvent.schemaHeader)])
        return event
    }

    /// Enqueues a lineage event.
    /// - Throws: `KafkaError` when the producer refuses the record.
    public func publish(_ lineage: LineageEvent) throws {
        try producer.send(
            topic: topic, key: Array(lineage.shardID.utf8), value: lineage.encoded(),
            headers: [KafkaHeader(name: "schema", string: LineageEvent.schemaHeader)])
    }

    /// Publishes every `interval` until the task is cancelled or the service group shuts down; no final event.
    public func runPeriodically() async {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await Task.sleep(for: interval)
            } catch {
                return
            }
            guard !Task.isShuttingDownGracefully else { return }
            do {
                try publish()
            } catch {
                logger.warning("metrics event not published", metadata: ["metrics.error": "\(error)"])
            }
        }
    }

    /// `Service`: publishes periodically until graceful shutdown or cancellation, then sends the final event.
    public func run() async throws {
        await cancelWhenGracefulShutdown { await self.runPeriodically() }
        try publish(isFinal: true)
    }
}
