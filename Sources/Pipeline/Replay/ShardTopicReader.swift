import Kafka
import Logging

/// Reads every committed shard record of a shards topic, from the beginning of each partition to its end
/// (``CommittedTopicReader`` with the `schema: shard/1` header; other records are skipped and counted), as `train`
/// and `shards inspect` see them.
public enum ShardTopicReader {
    /// The committed shard records of `topic`, in topic order (partitions ascending, offsets ascending).
    ///
    /// - Returns: the records and how many other records were skipped. A missing topic reads as empty.
    /// - Throws: `KafkaError` when the broker fails or a partition does not reach its end within `timeout`.
    public static func readAll(
        topic: String, client: KafkaClientConfiguration, logger: Logger, timeout: Duration = .seconds(120)
    ) throws -> (records: [KafkaMessage], skipped: Int) {
        try CommittedTopicReader.readAll(topic: topic, schema: .shard, client: client, logger: logger, timeout: timeout)
    }
}
