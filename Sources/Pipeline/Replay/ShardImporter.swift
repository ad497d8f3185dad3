import Foundation
import Kafka
import Logging

/// Produces a shard archive's records verbatim (value, key, headers) to a shards topic and checks they all landed.
public enum ShardImporter {
    /// What an import did.
    public struct Summary: Sendable, Equatable {
        /// Records produced and acknowledged.
        public var produced = 0
        /// Shard records in the topic before and after.
        public var before = 0
        public var after = 0
        /// Partitions of the target topic.
        public var partitions: Int32 = 0
    }

    /// Creates the deployment's topics under `topics` when missing (with `partitions` partitions), produces every
    /// entry with an idempotent producer to `topics.shards` in archive order, each to its source partition (modulo
    /// the target's partition count, so a 1-partition target holds the archive's topic order), flushes, and verifies
    /// that the topic now holds exactly `entries.count` more committed shard records.
    ///
    /// - Throws: `PipelineError` `.deliveryFailed` when a record is not acknowledged or the count does not match;
    ///   `KafkaError` when the broker fails.
    public static func importEntries(
        _ entries: [ShardArchive.Entry], topics: TopicNames, partitions: Int32, client: KafkaClientConfiguration,
        logger: Logger
    ) throws -> Summary {
        let admin = try KafkaAdmin(configuration: client, logger: logger)
        _ = try TopicSetup.ensureTopics(topics, partitions: partitions, admin: admin)
        let topic = topics.shards
        var summary = Summary()
        summary.before = try ShardTopicReader.readAll(topic: topic, client: client, logger: logger).records.count
        var producerClient = client
        producerClient.properties["message.max.bytes"] = producerClient.properties["message.max.bytes"] ?? "16777216"
        let producer = try KafkaProducer(configuration: .init(client: producerClient, idempotent: true), logger: logger)
        defer { producer.close() }
        let count = Int32(try producer.metadata(topic: topic).topic(topic)?.partitions.count ?? Int(partitions))
        summary.partitions = count
        for entry in entries {
            try producer.send(
                topic: topic, partition: entry.record.partition % max(1, count), key: entry.key, value: entry.value,
                headers: entry.headers)
        }
        try producer.flush(timeout: .seconds(60))
        let tally = producer.deliveryTally
        guard tally.failed == 0, tally.delivered == entries.count else {
            throw PipelineError(
                .deliveryFailed,
                "\(topic): \(tally.delivered) of \(entries.count) records acknowledged, \(tally.failed) failed"
                    + (tally.lastFailure.map { " (\($0))" } ?? "")
                    + "; check the broker and import again into an empty prefix")
        }
        summary.produced = entries.count
        summary.after = try ShardTopicReader.readAll(topic: topic, client: client, logger: logger).records.count
        guard summary.after == summary.before + entries.count else {
            throw PipelineError(
                .deliveryFailed,
                "\(topic): held \(summary.before) shard records before and \(summary.after) after producing \(entries.count); "
                    + "another producer wrote to it, or records were lost; import into an empty prefix")
        }
        return summary
    }
}
