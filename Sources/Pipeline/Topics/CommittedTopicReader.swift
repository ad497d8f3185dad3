import Foundation
import Kafka
import Logging

/// Reads every committed record of a topic, from the beginning of each partition to its end, outside any group.
///
/// The consumer reads `read_committed` with the `TransactionMarkerFilter`, so records of aborted transactions and
/// end markers never show; it assigns every partition at its beginning (nothing is committed) and stops when every
/// partition has reported its end.
public enum CommittedTopicReader {
    /// The committed records of `topic` with the `schema` header (every record when nil), in topic order
    /// (partitions ascending, offsets ascending).
    ///
    /// - Parameters:
    ///   - timeout: how long reading may take before it fails.
    /// - Returns: the records and how many records without that schema were skipped. A missing topic reads as empty.
    /// - Throws: `KafkaError` when the broker fails or a partition does not reach its end within `timeout`.
    public static func readAll(
        topic: String, schema: RecordSchema?, client: KafkaClientConfiguration, logger: Logger,
        timeout: Duration = .seconds(120)
    ) throws -> (records: [KafkaMessage], skipped: Int) {
        var client = client
        client.properties["fetch.message.max.bytes"] = client.properties["fetch.message.max.bytes"] ?? "16777216"
        let consumer = try KafkaConsumer(
            configuration: .init(
                client: client, groupID: "thinkstream-reader-\(UUID().uuidString)", autoOffsetReset: .earliest,
                isolationLevel: .readCommitted, reportPartitionEnd: true),
            logger: logger)
        defer { consumer.close() }
        guard let description = try consumer.metadata(topic: topic).topic(topic), !description.partitions.isEmpty else {
            return ([], 0)
        }
        let partitions = Set(description.partitions.map(\.id))
        // -2: the beginning offset.
        try consumer.assign(partitions.sorted().map { KafkaPartitionOffset(topic: topic, partition: $0, offset: -2) })
        var byPartition: [Int32: [KafkaMessage]] = [:]
        var ended: Set<Int32> = []
        var skipped = 0
        let deadline = ContinuousClock.now + timeout
        while ended != partitions {
            guard ContinuousClock.now < deadline else {
                throw KafkaError(
                    .timedOut,
                    "reading \(topic): partitions \(partitions.subtracting(ended).sorted()) did not reach their end within \(timeout); "
                        + "check the broker, or raise the timeout")
            }
            switch try consumer.poll(timeout: .milliseconds(100)) {
            case .message(let message)?:
                if schema.map({ message.header("schema") == $0.description }) ?? true {
                    byPartition[message.partition, default: []].append(message)
                } else {
                    skipped += 1
                }
            case .partitionEnd(let end)?:
                ended.insert(end.partition)
            case nil:
                continue
            }
        }
        let records = byPartition.keys.sorted().flatMap { byPartition[$0]!.sorted { $0.offset < $1.offset } }
        return (records, skipped)
    }
}
