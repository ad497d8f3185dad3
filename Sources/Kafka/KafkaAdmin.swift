import Logging

/// Topic and group administration: create, list, describe, count.
public final class KafkaAdmin: Sendable {
    public let configuration: KafkaClientConfiguration
    private let client: RDKafkaClient
    private let logger: Logger

    /// - Throws: `KafkaError` for invalid settings or a librdkafka older than 2.2.
    public init(configuration: KafkaClientConfiguration, logger: Logger) throws {
        try configuration.validate()
        self.configuration = configuration
        self.logger = logger
        var properties = configuration.baseProperties.merging(configuration.properties) { _, passThrough in passThrough
        }
        properties["enable.idempotence"] = "false"
        self.client = try RDKafkaClient(
            kind: .producer, properties: properties, context: RDKafkaCallbackContext(logger: logger))
    }

    /// Cluster metadata: brokers, topics and their partitions.
    /// - Throws: `KafkaError` `.brokerUnreachable` when no broker answers within the request timeout.
    public func metadata(topic: String? = nil) throws -> KafkaClusterMetadata {
        try client.metadata(topic: topic, timeout: configuration.requestTimeout)
    }

    /// Creates each topic that does not exist yet; returns the names it created.
    /// - Parameter replicationFactor: nil takes the broker profile's (``KafkaClientConfiguration/BrokerProfile/topicReplicationFactor``).
    /// - Throws: `KafkaError` `.adminFailed` naming the topic and the broker's reason.
    @discardableResult
    public func createTopics(_ names: [String], partitions: Int32, replicationFactor: Int32? = nil) throws -> [String] {
        let replicationFactor = replicationFactor ?? configuration.profile.topicReplicationFactor
        let existing = Set(try metadata().topics.filter { $0.error == nil }.map(\.name))
        let missing = names.filter { !existing.contains($0) }
        guard !missing.isEmpty else { return [] }
        try client.createTopics(
            missing, partitions: partitions, replicationFactor: replicationFactor, timeout: configuration.requestTimeout
        )
        return missing
    }

    /// Names of the consumer groups the cluster knows, sorted.
    public func consumerGroups() throws -> [String] {
        try client.consumerGroupNames(timeout: configuration.requestTimeout).sorted()
    }

    /// What one partition holds, as ``countRecords(topic:timeout:)`` read it.
    public struct PartitionRecordCount: Sendable, Equatable {
        public var partition: Int32
        /// Data records: every record but ThinkStream's transaction end markers.
        public var records: Int
        /// ThinkStream's transaction end markers (`thinkstream.txn.end`, one per partition a committed transaction
        /// touched); consumers never see them.
        public var transactionMarkers: Int
        /// The offset after the last record.
        public var endOffset: Int64
    }

    /// Counts the data records and the transaction end markers in each partition by reading it to its end, and
    /// returns the end offset too.
    ///
    /// Reading is exact on every broker; the embedded broker's high watermark is not (it reports the last batch's
    /// base offset + 1), so counts never come from watermarks. The broker's own control records are not delivered
    /// and so not counted; records of aborted transactions count as data on a broker that keeps them.
    /// - Throws: `KafkaError` `.timedOut` if a partition's end is not reached within `timeout`.
    public func countRecords(topic: String, timeout: Duration = .seconds(30)) throws -> [PartitionRecordCount] {
        guard let description = try metadata(topic: topic).topic(topic) else { return [] }
        var consumerConfiguration = KafkaConsumerConfiguration(
            client: configuration, groupID: "thinkstream-count-\(UInt64.random(in: 0...UInt64.max))",
            isolationLevel: .readUncommitted, reportPartitionEnd: true)
        consumerConfiguration.client.properties["enable.auto.offset.store"] = "false"
        let consumer = try KafkaConsumer(configuration: consumerConfiguration, logger: logger)
        defer { consumer.close() }
        try consumer.assign(
            description.partitions.map { .init(topic: topic, partition: $0.id, offset: RDKafkaClient.beginningOffset) })
        var counts = Dictionary(uniqueKeysWithValues: description.partitions.map { ($0.id, 0) })
        var markers = Dictionary(uniqueKeysWithValues: description.partitions.map { ($0.id, 0) })
        var ends: [Int32: Int64] = [:]
        let deadline = ContinuousClock.now + timeout
        while ends.count < description.partitions.count {
            guard ContinuousClock.now < deadline else {
                throw KafkaError(
                    .timedOut,
                    "counting \(topic): partitions \(Set(counts.keys).subtracting(ends.keys).sorted()) did not reach their end within \(timeout)"
                )
            }
            switch try consumer.poll(timeout: .milliseconds(100)) {
            case .message(let message)?:
                if message.header(TransactionMarkerFilter.endMarkerHeader) != nil {
                    markers[message.partition, default: 0] += 1
                } else {
                    counts[message.partition, default: 0] += 1
                }
            case .partitionEnd(let end)?: ends[end.partition] = end.offset
            case nil: continue
            }
        }
        return counts.keys.sorted().map {
            PartitionRecordCount(
                partition: $0, records: counts[$0]!, transactionMarkers: markers[$0]!, endOffset: ends[$0]!)
        }
    }
}
