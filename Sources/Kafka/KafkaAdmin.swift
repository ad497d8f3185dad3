import CRdKafka
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
        var properties = configuration.baseProperties.merging(configuration.properties) { _, passThrough in passThrough }
        properties["enable.idempotence"] = "false"
        self.client = try RDKafkaClient(kind: .producer, properties: properties, context: RDKafkaCallbackContext(logger: logger))
    }

    private var timeoutMilliseconds: Int32 { Int32(configuration.requestTimeout.milliseconds) }

    /// Cluster metadata: brokers, topics and their partitions.
    /// - Throws: `KafkaError` `.brokerUnreachable` when no broker answers within the request timeout.
    public func metadata(topic: String? = nil) throws -> KafkaClusterMetadata {
        try client.metadata(topic: topic, timeout: configuration.requestTimeout)
    }

    /// Creates each topic that does not exist yet; returns the names it created. Wraps `rd_kafka_CreateTopics`.
    /// - Parameter replicationFactor: nil takes the broker profile's (``KafkaClientConfiguration/BrokerProfile/topicReplicationFactor``).
    /// - Throws: `KafkaError` `.adminFailed` naming the topic and the broker's reason.
    @discardableResult
    public func createTopics(_ names: [String], partitions: Int32, replicationFactor: Int32? = nil) throws -> [String] {
        let replicationFactor = replicationFactor ?? configuration.profile.topicReplicationFactor
        let existing = Set(try metadata().topics.filter { $0.error == nil }.map(\.name))
        let missing = names.filter { !existing.contains($0) }
        guard !missing.isEmpty else { return [] }
        var reason = [CChar](repeating: 0, count: 512)
        let newTopics: [OpaquePointer] = missing.map { rd_kafka_NewTopic_new($0, partitions, replicationFactor, &reason, reason.count)! }
        defer { newTopics.forEach { rd_kafka_NewTopic_destroy($0) } }
        let queue = rd_kafka_queue_new(client.handle)
        defer { rd_kafka_queue_destroy(queue) }
        let options = rd_kafka_AdminOptions_new(client.handle, RD_KAFKA_ADMIN_OP_CREATETOPICS)
        defer { rd_kafka_AdminOptions_destroy(options) }
        var topicsArray: [OpaquePointer?] = newTopics
        rd_kafka_CreateTopics(client.handle, &topicsArray, topicsArray.count, options, queue)
        guard let event = rd_kafka_queue_poll(queue, timeoutMilliseconds + 1000) else {
            throw KafkaError(.timedOut, "create topics \(missing): no answer within \(configuration.requestTimeout)")
        }
        defer { rd_kafka_event_destroy(event) }
        try RDKafkaErrors.check(rd_kafka_event_error(event), "create topics \(missing)", as: .adminFailed)
        var count = 0
        let results = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event), &count)
        for index in 0..<count {
            let result = results![index]
            let code = rd_kafka_topic_result_error(result)
            if code != RD_KAFKA_RESP_ERR_NO_ERROR && code != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS {
                let name = String(cString: rd_kafka_topic_result_name(result))
                let why = rd_kafka_topic_result_error_string(result).map { String(cString: $0) } ?? RDKafkaErrors.text(code)
                throw KafkaError(.adminFailed, "create topic \(name): \(why)", librdkafkaError: RDKafkaErrors.name(code))
            }
        }
        return missing
    }

    /// Names of the consumer groups the cluster knows. Wraps `rd_kafka_list_groups`.
    public func consumerGroups() throws -> [String] {
        var list: UnsafePointer<rd_kafka_group_list>?
        try RDKafkaErrors.check(rd_kafka_list_groups(client.handle, nil, &list, timeoutMilliseconds), "rd_kafka_list_groups", as: .adminFailed)
        guard let list else { return [] }
        defer { rd_kafka_group_list_destroy(list) }
        return (0..<Int(list.pointee.group_cnt)).map { String(cString: list.pointee.groups[$0].group) }.sorted()
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
        try consumer.assign(description.partitions.map { .init(topic: topic, partition: $0.id, offset: Int64(RD_KAFKA_OFFSET_BEGINNING)) })
        var counts = Dictionary(uniqueKeysWithValues: description.partitions.map { ($0.id, 0) })
        var markers = Dictionary(uniqueKeysWithValues: description.partitions.map { ($0.id, 0) })
        var ends: [Int32: Int64] = [:]
        let deadline = ContinuousClock.now + timeout
        while ends.count < description.partitions.count {
            guard ContinuousClock.now < deadline else {
                throw KafkaError(.timedOut, "counting \(topic): partitions \(Set(counts.keys).subtracting(ends.keys).sorted()) did not reach their end within \(timeout)")
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
            PartitionRecordCount(partition: $0, records: counts[$0]!, transactionMarkers: markers[$0]!, endOffset: ends[$0]!)
        }
    }
}
