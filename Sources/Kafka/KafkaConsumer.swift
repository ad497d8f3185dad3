import CRdKafka
import Logging
import Synchronization

/// A consumer-group member with manual offset commits.
///
/// `poll(timeout:)` blocks up to its timeout (zero: not at all); `next(pollInterval:)` polls with a zero timeout
/// and sleeps between empty polls, so it never blocks the cooperative pool. Rebalances are applied by the consumer
/// itself and reported through `onRebalance`. Call `close()` to leave the group cleanly.
public final class KafkaConsumer: Sendable {
    public let configuration: KafkaConsumerConfiguration
    private let client: RDKafkaClient
    /// Transaction filtering for read_committed consumers, and records it released but poll has not returned yet.
    private let transactions = TransactionFilterState()

    private final class TransactionFilterState: Sendable {
        let state = Mutex<(filter: TransactionMarkerFilter, released: [KafkaMessage])>((.init(), []))
        func withLock<Result>(_ body: (inout (filter: TransactionMarkerFilter, released: [KafkaMessage])) -> Result) -> Result {
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
                    state.released.removeAll { message in partitions.contains { $0.topic == message.topic && $0.partition == message.partition } }
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
        let offset = transactions.withLock { $0.filter.safeCommitOffset(for: proposed.topicPartition, proposed: proposed.offset) }
        return KafkaPartitionOffset(topic: proposed.topic, partition: proposed.partition, offset: offset)
    }

    func withClient<Result>(_ body: (RDKafkaClient) throws -> Result) rethrows -> Result { try body(client) }

    /// Called after each assignment change, on the thread that polls.
    public func onRebalance(_ handler: @escaping @Sendable (KafkaRebalance) -> Void) {
        client.context.rebalanceHandler.withLock { $0 = handler }
    }

    /// Joins the group for these topics. Wraps `rd_kafka_subscribe`.
    public func subscribe(_ topics: [String]) throws {
        let list = RDKafkaTopicPartitionList(topics.map { KafkaTopicPartition(topic: $0, partition: RD_KAFKA_PARTITION_UA) })
        try RDKafkaErrors.check(rd_kafka_subscribe(client.handle, list.pointer), "rd_kafka_subscribe", as: .consumeFailed)
    }

    /// Reads these partitions from these offsets, outside group management. Wraps `rd_kafka_assign`.
    public func assign(_ offsets: [KafkaPartitionOffset]) throws {
        let list = RDKafkaTopicPartitionList(offsets)
        try RDKafkaErrors.check(rd_kafka_assign(client.handle, list.pointer), "rd_kafka_assign", as: .consumeFailed)
    }

    /// Returns the next record or partition-end event, or nil if none arrived within `timeout`.
    /// Wraps `rd_kafka_consumer_poll`.
    /// - Throws: `KafkaError` `.consumeFailed` for a consumer-level error (not for transient broker errors,
    ///   which librdkafka retries by itself and which are logged).
    /// With `read_committed`, records of ThinkStream transactions pass through a `TransactionMarkerFilter`, so
    /// records of aborted transactions are never returned even on brokers that deliver them.
    public func poll(timeout: Duration = .zero) throws -> KafkaConsumerEvent? {
        let filtering = configuration.isolationLevel == .readCommitted
        if filtering, let ready = transactions.withLock({ $0.released.isEmpty ? nil : $0.released.removeFirst() }) {
            return .message(ready)
        }
        guard let message = rd_kafka_consumer_poll(client.handle, Int32(timeout.milliseconds)) else { return nil }
        defer { rd_kafka_message_destroy(message) }
        let raw = message.pointee
        switch raw.err {
        case RD_KAFKA_RESP_ERR_NO_ERROR:
            let copied = KafkaMessage(copying: message)
            guard filtering else { return .message(copied) }
            return transactions.withLock { state in
                state.released.append(contentsOf: state.filter.accept(copied))
                return state.released.isEmpty ? nil : .message(state.released.removeFirst())
            }
        case RD_KAFKA_RESP_ERR__PARTITION_EOF:
            let topic = raw.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? ""
            return .partitionEnd(.init(topic: topic, partition: raw.partition, offset: raw.offset))
        case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART, RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC,
            RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION, RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
            throw KafkaError(
                .consumeFailed, "consume: \(RDKafkaErrors.text(raw.err))", librdkafkaError: RDKafkaErrors.name(raw.err))
        default:
            client.context.logger.debug("kafka consumer error", metadata: ["kafka.error": "\(RDKafkaErrors.text(raw.err))"])
            return nil
        }
    }

    /// The next event, polling without blocking and sleeping `pollInterval` between empty polls; nil once the task
    /// is cancelled.
    public func next(pollInterval: Duration = .milliseconds(20)) async throws -> KafkaConsumerEvent? {
        while !Task.isCancelled {
            if let event = try poll(timeout: .zero) { return event }
            try? await Task.sleep(for: pollInterval)
        }
        return nil
    }

    /// Commits offsets (the next offset to read in each partition) and waits for the broker. Wraps `rd_kafka_commit`.
    /// - Throws: `KafkaError` `.commitFailed`.
    public func commit(_ offsets: [KafkaPartitionOffset]) throws {
        guard !offsets.isEmpty else { return }
        let list = RDKafkaTopicPartitionList(offsets)
        try RDKafkaErrors.check(rd_kafka_commit(client.handle, list.pointer, 0), "rd_kafka_commit", as: .commitFailed)
        for (offset, error) in list.elements {
            if let error {
                throw KafkaError(
                    .commitFailed, "commit \(offset): \(RDKafkaErrors.text(error))", librdkafkaError: RDKafkaErrors.name(error))
            }
        }
    }

    /// The group's committed offsets for these partitions (-1001 where none). Wraps `rd_kafka_committed`.
    public func committed(_ partitions: [KafkaTopicPartition]) throws -> [KafkaPartitionOffset] {
        let list = RDKafkaTopicPartitionList(partitions)
        try RDKafkaErrors.check(
            rd_kafka_committed(client.handle, list.pointer, Int32(configuration.client.requestTimeout.milliseconds)),
            "rd_kafka_committed", as: .consumeFailed)
        return list.elements.map(\.offset)
    }

    /// The partitions this member owns now. Wraps `rd_kafka_assignment`.
    public func assignment() throws -> [KafkaTopicPartition] {
        var pointer: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
        try RDKafkaErrors.check(rd_kafka_assignment(client.handle, &pointer), "rd_kafka_assignment", as: .consumeFailed)
        guard let pointer else { return [] }
        return RDKafkaTopicPartitionList(adopting: pointer).partitions
    }

    /// Stops fetching these partitions (backpressure) while staying in the group. Wraps `rd_kafka_pause_partitions`.
    public func pause(_ partitions: [KafkaTopicPartition]) throws {
        let list = RDKafkaTopicPartitionList(partitions)
        try RDKafkaErrors.check(rd_kafka_pause_partitions(client.handle, list.pointer), "rd_kafka_pause_partitions", as: .consumeFailed)
    }

    /// Wraps `rd_kafka_resume_partitions`.
    public func resume(_ partitions: [KafkaTopicPartition]) throws {
        let list = RDKafkaTopicPartitionList(partitions)
        try RDKafkaErrors.check(rd_kafka_resume_partitions(client.handle, list.pointer), "rd_kafka_resume_partitions", as: .consumeFailed)
    }

    /// Committed offset, end offset and lag of each partition of a topic for this consumer's group.
    /// The end offset comes from the broker's high watermark (`rd_kafka_query_watermark_offsets`).
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
    /// `PartitionEndTracker`). Wraps `rd_kafka_query_watermark_offsets`.
    /// - Throws: `KafkaError` `.consumeFailed` when the broker does not answer within the request timeout.
    public func watermarks(_ partition: KafkaTopicPartition) throws -> (low: Int64, high: Int64) {
        var low: Int64 = 0
        var high: Int64 = 0
        try RDKafkaErrors.check(
            rd_kafka_query_watermark_offsets(
                client.handle, partition.topic, partition.partition, &low, &high,
                Int32(configuration.client.requestTimeout.milliseconds)),
            "rd_kafka_query_watermark_offsets", as: .consumeFailed)
        return (low, high)
    }

    /// Cluster metadata through this consumer's connection.
    public func metadata(topic: String? = nil) throws -> KafkaClusterMetadata {
        try client.metadata(topic: topic, timeout: configuration.client.requestTimeout)
    }

    /// Leaves the group (revoking partitions) and stops fetching. Wraps `rd_kafka_consumer_close`.
    public func close() {
        client.context.isClosing.withLock { $0 = true }
        rd_kafka_consumer_close(client.handle)
    }
}
