import Foundation
import Kafka
import Testing
import ThinkStreamTesting

@Suite(.serialized, .tags(.integration))
struct TransactionTests {
    @Test func abortedTransactionIsInvisibleToAReadCommittedConsumer() async throws {
        try await withBroker { servers in
            try await withTestTopic(bootstrapServers: servers, partitions: 2) { topic in
                try abortThenCommit(servers: servers, topic: topic)
            }
        }
    }

    private func abortThenCommit(servers: String, topic: String) throws {
        let producer = try KafkaProducer(
            configuration: .init(
                client: .init(bootstrapServers: servers, profile: .embedded),
                transactionalID: "tx-\(UUID().uuidString.prefix(8))"),
            logger: TestLogging.logger)
        defer { producer.close() }
        try producer.initTransactions()
        try producer.beginTransaction()
        for index in 0..<4 {
            try producer.send(
                topic: topic, partition: Int32(index % 2), key: nil, value: Array("aborted-\(index)".utf8))
        }
        try producer.flush(timeout: .seconds(10))
        try producer.abortTransaction()
        try producer.beginTransaction()
        for index in 0..<2 {
            try producer.send(
                topic: topic, partition: Int32(index % 2), key: nil, value: Array("committed-\(index)".utf8))
        }
        try producer.commitTransaction()

        let committedView = try read(servers: servers, topic: topic, isolation: .readCommitted, atLeast: 2)
        #expect(committedView.sorted() == ["committed-0", "committed-1"])

        // The uncommitted view shows what the broker stored: the aborted records, the committed ones and one end
        // marker per partition — so the read_committed result above is the filtering at work, on any broker.
        let rawView = try read(servers: servers, topic: topic, isolation: .readUncommitted, atLeast: 8)
        #expect(rawView.filter { $0.hasPrefix("aborted-") }.count == 4)
        #expect(rawView.filter { $0.hasPrefix("committed-") }.count == 2)
        #expect(rawView.filter { $0.isEmpty }.count == 2)

        // Counting tells the markers apart: `topics` must not show 2 committed records as 4.
        let admin = try KafkaAdmin(
            configuration: .init(bootstrapServers: servers, profile: .embedded), logger: TestLogging.logger)
        let counts = try admin.countRecords(topic: topic)
        #expect(counts.map(\.transactionMarkers) == [1, 1])
        #expect(counts.reduce(0) { $0 + $1.records } == rawView.count - 2)
    }

    private func read(
        servers: String, topic: String, isolation: KafkaConsumerConfiguration.IsolationLevel, atLeast expected: Int
    ) throws -> [String] {
        let consumer = try KafkaConsumer(
            configuration: .init(
                client: .init(bootstrapServers: servers, profile: .embedded), groupID: "view-\(UUID())",
                isolationLevel: isolation),
            logger: TestLogging.logger)
        defer { consumer.close() }
        try consumer.subscribe([topic])
        var values: [String] = []
        let deadline = ContinuousClock.now + .seconds(30)
        var settleUntil: ContinuousClock.Instant?
        while ContinuousClock.now < deadline {
            if values.count >= expected, settleUntil == nil { settleUntil = ContinuousClock.now + .seconds(1) }
            if let settleUntil, ContinuousClock.now > settleUntil { break }
            if case .message(let message)? = try consumer.poll(timeout: .milliseconds(50)) {
                values.append(String(decoding: message.value, as: UTF8.self))
            }
        }
        return values
    }
}
