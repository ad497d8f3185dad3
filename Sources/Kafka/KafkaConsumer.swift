import Logging
import Synchronization

/// A consumer-group member with manual offset commits.
///
/// `poll(timeout:)` blocks the calling thread up to its timeout (zero: not at all), for synchronous callers.
/// Async code awaits `nextEvent(within:)` or `next()`, which wait inside librdkafka on the consumer's own thread
/// (`kafka.cons.io`, started on first use): they return as soon as a record arrives, without polling on a timer and
/// without blocking the cooperative pool. Rebalances are applied by the consumer itself and reported through
/// `onRebalance`. Call `close()` to leave the group cleanly.
public final class KafkaConsumer: Sendable {
    public let configuration: KafkaConsumerConfiguration
    private let client: RDKafkaClient
    /// Transaction filtering for read_committed consumers, and records it released but poll has not returned yet.
    private let transactions = TransactionFilterState()
    /// Where `nextEvent(within:)` waits.
    private let io = KafkaIOExecutor(name: "kafka.cons.io")

    private final class TransactionFilterState: Sendable {
        let state = Mutex<(filter: TransactionMarkerFilter, released: [KafkaMessage])>((.init(), []))
        func withLock<Result>(_ body: (inout (filter: TransactionMarkerFilter, released: [KafkaMessage])) -> Result)
            -> Result
        {
            state.withLock { body(&$0) }
        }
    }

    /// - Throws: `KafkaError` for invalid settings or a librdkafka older than 2.2.
    public init(configuration: KafkaConsumerConfiguration, logger: Logger) throws {
        try configuration.validate()
        self.configuration = configuration
        self.client = try RDKafkaClient(
            kind: .consumer, properties: configuration.properties, context: RDKafkaCallbackContext(logger: logger))
        client.context.internalRebalanceHandler.withLock { handler in
            handler = { [transactions] event in
                guard case .assigned(let partitions) = event else { return }
                transactions.withLock { state in
                    for partition in partitions { state.filter.reset(partition) }
                    state.released.removeAll { message in
                        partitions.contains { $0.topic == message.topic && $0.partition == message.partition }
                    }
                }
            }
        }
    }

    /// Records of open or aborted transactions held back, and records dropped as aborted (read_committed only).
    public var transactionFilterCounts: (held: Int, dropped: Int) {
        transactions.withLock { ($0.filter.heldRecordCount, $0.filter.droppedRecordCount) }
    }

    /// The offset that may be committed for a partition without skipping records held back by the transaction
    /// filter: `proposed`, or the lowest held offset if lower.
    public func safeCommitOffset(_ proposed: KafkaPartitionOffset) -> KafkaPartitionOffset {
        let offset = transactions.withLock {
            $0.filter.safeCommitOffset(for: proposed.topicPartition, proposed: proposed.offset)
        }
        return KafkaPartitionOffset(topic: proposed.topic, partition: proposed.partition, offset: offset)
    }

    func withClient<Result>(_ body: (RDKafkaClient) throws -> Result) rethrows -> Result { try body(client) }

    /// Called after each assignment change, on the thread that polls.
    public func onRebalance(_ handler: @escaping @Sendable (KafkaRebalance) -> Void) {
        client.context.rebalanceHandler.withLock { $0 = handler }
    }

    /// Joins the group for these topics.
    public func subscribe(_ topics: [String]) throws {
        try client.subscribe(topics)
    }

    /// Reads these partitions from these offsets, outside group management.
    public func assign(_ offsets: [KafkaPartitionOffset]) throws {
        try client.assign(offsets)
    }

    /// Returns the next record or partition-end event, or nil if none arrived within `timeout`.
    /// - Throws: `KafkaError` `.consumeFailed` for a consumer-level error (not for transient broker errors,
    ///   which librdkafka retries by itself and which are logged).
    /// With `read_committed`, records of ThinkStream transactions pass through a `TransactionMarkerFilter`, so
    /// records of aborted transactions are never returned even on brokers that deliver them.
    public func poll(timeout: Duration = .zero) throws -> KafkaConsumerEvent? {
        let filtering = configuration.isolationLevel == .readCommitted
        if filtering, let ready = transactions.withLock({ $0.released.isEmpty ? nil : $0.released.removeFirst() }) {
            return .message(ready)
        }
        guard let event = try client.consumerPoll(timeout: timeout) else { return nil }
        guard filtering, case .message(let copied) = event else { return event }
        return transactions.withLock { state in
            state.released.append(contentsOf: state.filter.accept(copied))
            return state.released.isEmpty ? nil : .message(state.released.removeFirst())
        }
    }

    /// Waits for the next record or partition-end event, up to `timeout`, on the consumer's own thread.
    ///
    /// The wait happens inside librdkafka (`poll(timeout:)` in slices of at most ``cancellationSlice``), so a record
    /// is returned as soon as it arrives, and a cancelled task gets nil within one slice. Records pass the same
    /// read_committed transaction filter as with `poll(timeout:)`. Calls made concurrently wait one after another.
    /// - Parameter timeout: the longest wait; zero or less polls once without waiting.
    /// - Returns: the event, or nil at the deadline or once the task is cancelled.
    /// - Throws: `KafkaError` `.consumeFailed`, as `poll(timeout:)`.
    public func nextEvent(within timeout: Duration) async throws -> KafkaConsumerEvent? {
        let deadline = ContinuousClock.now + timeout
        return try await io.run {
            while true {
                let slice = min(max(deadline - ContinuousClock.now, .zero), Self.cancellationSlice)
                if let event = try poll(timeout: slice) { return event }
                if Task.isCancelled || ContinuousClock.now >= deadline { return nil }
            }
        }
    }

    /// The longest single wait inside librdkafka in `nextEvent(within:)`: how long a cancelled task may wait.
    public static let cancellationSlice = Duration.milliseconds(100)

    /// The next event, waiting as long as it takes (see `nextEvent(within:)`); nil once the task is cancelled.
    /// - Throws: `KafkaError` `.consumeFailed`, as `poll(timeout:)`.
    public func next() async throws -> KafkaConsumerEvent? {
        while !Task.isCancelled {
            if let event = try await nextEvent(within: .seconds(1)) { return event }
        }
        return nil
    }

    /// Commits offsets (the next offset to read in each partition) and waits for the broker.
    /// - Throws: `KafkaError` `.commitFailed`.
    public func commit(_ offsets: [KafkaPartitionOffset]) throws {
        guard !offsets.isEmpty else { return }
        try client.commit(offsets)
    }

    /// The group's committed offsets for these partitions (-1001 where none).
    public func committed(_ partitions: [KafkaTopicPartition]) throws -> [KafkaPartitionOffset] {
        try client.committed(partitions, timeout: configuration.client.requestTimeout)
    }

    /// The partitions this member owns now.
    public func assignment() throws -> [KafkaTopicPartition] {
        try client.assignment()
    }

    /// Stops fetching these partitions (backpressure) while staying in the group.
    public func pause(_ partitions: [KafkaTopicPartition]) throws {
        try client.pause(partitions)
    }

    /// Fetches these partitions again after `pause(_:)`.
    public func resume(_ partitions: [KafkaTopicPartition]) throws {
        try client.resume(partitions)
    }

    /// Committed offset, end offset and lag of each partition of a topic for this consumer's group.
    /// The end offset comes from the broker's high watermark (see `watermarks(_:)`).
    public func lag(topic: String) throws -> [(partition: Int32, committed: Int64, end: Int64, lag: Int64)] {
        let metadata = try client.metadata(topic: topic, timeout: configuration.client.requestTimeout)
        guard let description = metadata.topic(topic) else { return [] }
        let partitions = description.partitions.map { KafkaTopicPartition(topic: topic, partition: $0.id) }
        let committedOffsets = try committed(partitions)
        return try committedOffsets.map { offset in
            let (low, high) = try watermarks(offset.topicPartition)
            let committedOffset = offset.offset < 0 ? low : offset.offset
            return (offset.partition, offset.offset, high, max(0, high - committedOffset))
        }
    }

    /// The broker's low and high watermark of a partition (the embedded broker's high one can be too low; see
    /// `PartitionEndTracker`).
    /// - Throws: `KafkaError` `.consumeFailed` when the broker does not answer within the request timeout.
    public func watermarks(_ partition: KafkaTopicPartition) throws -> (low: Int64, high: Int64) {
        try client.watermarks(partition, timeout: configuration.client.requestTimeout)
    }

    /// Cluster metadata through this consumer's connection.
    public func metadata(topic: String? = nil) throws -> KafkaClusterMetadata {
        try client.metadata(topic: topic, timeout: configuration.client.requestTimeout)
    }

    /// Leaves the group (revoking partitions) and stops fetching.
    public func close() {
        client.context.isClosing.withLock { $0 = true }
        client.closeConsumer()
    }
}
