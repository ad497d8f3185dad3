import Foundation
import Kafka
import Testing
import ThinkStreamTesting

/// On the embedded broker, whose high watermark is the last batch's base offset + 1, the estimator still reports
/// the exact lag: it reads the tail where the watermark moved.
@Suite(.serialized, .tags(.integration))
struct ConsumerLagEstimatorTests {
    @Test func lagIsExactWhereTheWatermarkIsNot() async throws {
        try await withBroker { servers in
            try await withTestTopic(bootstrapServers: servers, partitions: 1) { topic in
                try Self.measureBatchesCommitsAndTransactions(servers: servers, topic: topic)
            }
        }
    }

    static func measureBatchesCommitsAndTransactions(servers: String, topic: String) throws {
        let client = KafkaClientConfiguration(bootstrapServers: servers, profile: .embedded)
        let producer = try KafkaProducer(
            configuration: .init(client: client, linger: .milliseconds(200)), logger: TestLogging.logger)
        for (count, prefix) in [(40, "a"), (5, "b")] {
            for index in 0..<count {
                try producer.send(topic: topic, partition: 0, key: nil, value: Array("\(prefix)-\(index)".utf8))
            }
            try producer.flush(timeout: .seconds(10))
        }
        producer.close()
        let group = "lag-\(UUID().uuidString.prefix(8))"
        let estimator = try ConsumerLagEstimator(
            client: client, groupID: group, topic: topic, logger: TestLogging.logger)
        defer { estimator.close() }

        let untouched = try #require(try estimator.measure().first)
        #expect(untouched.records == 45)
        #expect(untouched.end == 45)
        #expect(untouched.committed == nil)
        #expect(untouched.isExact)
        try commit(group: group, topic: topic, offset: 42, servers: servers)
        #expect(try estimator.measure().map(\.records) == [3])

        // A ThinkStream transaction: one record at 45, its end marker at 46 and the broker's commit marker.
        let transactional = try KafkaProducer(
            configuration: .init(client: client, transactionalID: "lag-\(UUID().uuidString.prefix(8))"),
            logger: TestLogging.logger)
        try transactional.initTransactions()
        try transactional.beginTransaction()
        try transactional.send(topic: topic, partition: 0, key: nil, value: Array("c-0".utf8))
        try transactional.commitTransaction()
        transactional.close()
        #expect(try estimator.measure().map(\.records) == [4])
        try commit(group: group, topic: topic, offset: 46, servers: servers)
        let caughtUp = try #require(try estimator.measure().first)
        #expect(caughtUp.records == 0, "only transaction markers follow offset 46; end \(caughtUp.end)")
        #expect(caughtUp.end > 46)
    }

    /// Commits `offset` for partition 0 as a member of `group` would.
    static func commit(group: String, topic: String, offset: Int64, servers: String) throws {
        let member = try KafkaConsumer(
            configuration: .init(client: .init(bootstrapServers: servers, profile: .embedded), groupID: group),
            logger: TestLogging.logger)
        defer { member.close() }
        try member.commit([KafkaPartitionOffset(topic: topic, partition: 0, offset: offset)])
    }
}
