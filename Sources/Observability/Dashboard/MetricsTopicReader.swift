import Foundation
import Kafka
import Logging

/// Reads the metrics topic into a `DashboardStore` with its own consumer group, which never commits: each dashboard
/// or `top` starts either from the beginning or a short backfill before the end of each partition.
public final class MetricsTopicReader: Sendable {
    public enum StartPosition: Sendable, Equatable {
        case beginning
        /// The last `backfill` records of each partition, then whatever arrives.
        case latest(backfill: Int64)
    }

    public let topic: String
    public let start: StartPosition
    private let consumer: KafkaConsumer
    private let logger: Logger

    /// - Parameters:
    ///   - client: cluster connection.
    ///   - topic: the metrics topic.
    ///   - start: where to start reading.
    /// - Throws: `KafkaError` when the consumer cannot be created.
    public init(
        client: KafkaClientConfiguration, topic: String, start: StartPosition, logger: Logger
    ) throws {
        self.topic = topic
        self.start = start
        self.logger = logger
        let group = "thinkstream-dashboard-\(UUID().uuidString.prefix(8).lowercased())"
        consumer = try KafkaConsumer(
            configuration: .init(
                client: client, groupID: group, autoOffsetReset: .earliest, isolationLevel: .readUncommitted,
                reportPartitionEnd: true),
            logger: logger)
    }

    deinit { consumer.close() }

    /// Assigns every partition at its start offset.
    /// - Returns: each partition's end offset when assigned, so callers can tell when they have caught up.
    /// - Throws: `KafkaError` when the cluster does not answer.
    @discardableResult
    public func assign() throws -> [Int32: Int64] {
        let ends = try consumer.lag(topic: topic)
        var endOffsets: [Int32: Int64] = [:]
        var offsets: [KafkaPartitionOffset] = []
        for partition in ends {
            endOffsets[partition.partition] = partition.end
            let offset: Int64
            switch start {
            case .beginning: offset = -2  // RD_KAFKA_OFFSET_BEGINNING
            case .latest(let backfill): offset = max(0, partition.end - backfill)
            }
            offsets.append(.init(topic: topic, partition: partition.partition, offset: offset))
        }
        guard !offsets.isEmpty else {
            throw KafkaError(
                .consumeFailed, "metrics topic '\(topic)' has no partitions; run `thinkstream topics` to create it")
        }
        try consumer.assign(offsets)
        return endOffsets
    }

    /// Reads until every partition reached its end offset, then re-reads the end offsets and polls for `settle`
    /// without a new record before it stops, so records the broker acknowledged but did not yet count are not missed.
    /// - Returns: whether it caught up before `timeout`.
    /// - Throws: `KafkaError`.
    @discardableResult
    public func readToEnd(into store: DashboardStore, timeout: Duration, settle: Duration = .milliseconds(500)) throws
        -> Bool
    {
        var ends = try assign()
        var positions: [Int32: Int64] = [:]
        let deadline = ContinuousClock.now + timeout
        var quietSince: ContinuousClock.Instant?
        while ContinuousClock.now < deadline {
            let caughtUp = ends.allSatisfy { positions[$0.key, default: 0] >= $0.value }
            if caughtUp, let since = quietSince, ContinuousClock.now - since >= settle { return true }
            if caughtUp, quietSince == nil {
                let fresh = Dictionary(try consumer.lag(topic: topic).map { ($0.partition, $0.end) }) { first, _ in
                    first
                }
                if fresh != ends {
                    ends = fresh
                    continue
                }
                quietSince = ContinuousClock.now
            }
            switch try consumer.poll(timeout: .milliseconds(50)) {
            case .message(let message)?:
                store.ingest(message, logger: logger)
                positions[message.partition] = max(positions[message.partition, default: 0], message.offset + 1)
                quietSince = nil
            case .partitionEnd(let position)?:
                positions[position.partition] = max(positions[position.partition, default: 0], position.offset)
            case nil:
                continue
            }
        }
        return false
    }

    /// Polls into `store` for `duration` (blocking; for synchronous callers such as `thinkstream top`).
    /// - Throws: `KafkaError`.
    public func read(into store: DashboardStore, for duration: Duration) throws {
        let deadline = ContinuousClock.now + duration
        while ContinuousClock.now < deadline {
            if case .message(let message)? = try consumer.poll(timeout: .milliseconds(100)) {
                store.ingest(message, logger: logger)
            }
        }
    }

    /// Reads into `store` until the task is cancelled.
    /// - Throws: `KafkaError` when the topic disappears or the cluster refuses the assignment.
    public func run(into store: DashboardStore) async throws {
        try assign()
        while !Task.isCancelled {
            guard let event = try await consumer.next() else { return }
            if case .message(let message) = event { store.ingest(message, logger: logger) }
        }
    }
}
