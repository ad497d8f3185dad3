import Foundation
import Kafka
import Pipeline

/// Raw topics for augment tests: creates a prefix's topics and produces documents to `<prefix>.raw`, keyed by id,
/// as `feed` does.
public enum RawTopicFixture {
    /// Creates `topics` (the raw topic with `partitions` partitions) on the embedded broker at `servers` and
    /// produces one raw-document record per text, ids `doc-0`, `doc-1`, … in order.
    ///
    /// - Returns: the documents' ids.
    @discardableResult
    public static func produce(
        _ texts: [String], servers: String, topics: TopicNames, partitions: Int32
    ) throws -> [String] {
        let client = KafkaClientConfiguration(bootstrapServers: servers, profile: .embedded)
        let admin = try KafkaAdmin(configuration: client, logger: TestLogging.logger)
        try TopicSetup.ensureTopics(topics, partitions: partitions, admin: admin)
        let producer = try KafkaProducer(configuration: .init(client: client), logger: TestLogging.logger)
        defer { producer.close() }
        var ids: [String] = []
        for (index, text) in texts.enumerated() {
            let document = RawDocument(
                id: "doc-\(index)", text: text, sourceFile: "test", sourceLine: index + 1, metadata: [])
            try producer.send(
                topic: topics.raw, key: Array(document.id.utf8), value: document.encoded(),
                headers: [RecordSchema.rawDocument.header])
            ids.append(document.id)
        }
        try producer.flush(timeout: .seconds(10))
        return ids
    }
}
