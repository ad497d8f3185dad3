import Foundation
import Kafka
import Testing
import ThinkStreamTesting

/// The calls async code awaits: `KafkaConsumer.nextEvent(within:)`, which waits inside librdkafka on the consumer's
/// own thread, and the producer's async transaction calls, which run on the producer's own thread. The time bounds
/// are loose on purpose (a 2-core machine shared with builds): they tell "waited for the deadline" from "returned
/// when the record came", not how fast either was.
@Suite(.serialized, .tags(.integration))
struct AsyncKafkaCallsTests {
    static func consumer(servers: String, topic: String) throws -> KafkaConsumer {
        let consumer = try KafkaConsumer(
            configuration: .init(
                client: .init(bootstrapServers: servers, profile: .embedded), groupID: "wait-\(UUID())",
                isolationLevel: .readCommitted),
            logger: TestLogging.logger)
        try consumer.subscribe([topic])
        return consumer
    }

    @Test func nextEventReturnsNilAtTheDeadlineOnAnEmptyTopicAndARecordAsSoonAsItArrives() async throws {
        try await withBroker { servers in
            try await withTestTopic(bootstrapServers: servers, partitions: 1) { topic in
                let consumer = try Self.consumer(servers: servers, topic: topic)
                defer { consumer.close() }

                let deadline = Duration.seconds(2)
                let emptyStart = ContinuousClock.now
                let nothing = try await consumer.nextEvent(within: deadline)
                let emptyWait = ContinuousClock.now - emptyStart
                #expect(nothing == nil)
                #expect(emptyWait >= deadline * 0.9, "returned nil after \(emptyWait), before the \(deadline) deadline")
                #expect(emptyWait < deadline + .seconds(5), "returned nil after \(emptyWait)")

                let producer = try KafkaProducer(
                    configuration: .init(client: .init(bootstrapServers: servers, profile: .embedded)),
                    logger: TestLogging.logger)
                defer { producer.close() }
                _ = try await producer.produce(topic: topic, partition: 0, key: nil, value: Array("arrived".utf8))

                let longDeadline = Duration.seconds(60)
                let recordStart = ContinuousClock.now
                var received: KafkaMessage?
                while received == nil, ContinuousClock.now - recordStart < longDeadline {
                    guard let event = try await consumer.nextEvent(within: longDeadline) else { break }
                    if case .message(let message) = event { received = message }
                }
                let recordWait = ContinuousClock.now - recordStart
                let message = try #require(received, "no record within \(longDeadline)")
                #expect(String(decoding: message.value, as: UTF8.self) == "arrived")
                #expect(recordWait < longDeadline / 2, "the record took \(recordWait)")
            }
        }
    }

    @Test func nextEventReturnsNilSoonAfterItsTaskIsCancelled() async throws {
        try await withBroker { servers in
            try await withTestTopic(bootstrapServers: servers, partitions: 1) { topic in
                let consumer = try Self.consumer(servers: servers, topic: topic)
                defer { consumer.close() }
                let started = ContinuousClock.now
                let waiting = Task { try await consumer.nextEvent(within: .seconds(60)) }
                try await Task.sleep(for: .milliseconds(300))
                waiting.cancel()
                let event = try await waiting.value
                let elapsed = ContinuousClock.now - started
                #expect(event == nil)
                #expect(elapsed < .seconds(20), "a cancelled wait returned after \(elapsed)")
            }
        }
    }

    @Test func asyncTransactionCallsCommitRecordsAReadCommittedConsumerSees() async throws {
        try await withBroker { servers in
            try await withTestTopic(bootstrapServers: servers, partitions: 2) { topic in
                let producer = try KafkaProducer(
                    configuration: .init(
                        client: .init(bootstrapServers: servers, profile: .embedded),
                        transactionalID: "async-tx-\(UUID().uuidString.prefix(8))"),
                    logger: TestLogging.logger)
                defer { producer.close() }
                try await producer.initTransactions()
                try await producer.beginTransaction()
                for index in 0..<3 {
                    try producer.send(
                        topic: topic, partition: Int32(index % 2), key: nil, value: Array("aborted-\(index)".utf8))
                }
                try await producer.abortTransaction()
                try await producer.beginTransaction()
                for index in 0..<5 {
                    try producer.send(
                        topic: topic, partition: Int32(index % 2), key: nil, value: Array("committed-\(index)".utf8))
                }
                try await producer.commitTransaction()

                let consumer = try Self.consumer(servers: servers, topic: topic)
                defer { consumer.close() }
                var values: [String] = []
                let deadline = ContinuousClock.now + .seconds(60)
                var settleUntil: ContinuousClock.Instant?
                while ContinuousClock.now < deadline {
                    if values.count >= 5, settleUntil == nil { settleUntil = ContinuousClock.now + .seconds(1) }
                    if let settleUntil, ContinuousClock.now > settleUntil { break }
                    if case .message(let message)? = try await consumer.nextEvent(within: .milliseconds(200)) {
                        values.append(String(decoding: message.value, as: UTF8.self))
                    }
                }
                // Raw: every record the read_committed consumer returned, before any de-duplication.
                #expect(values.count == 5, "read \(values)")
                #expect(values.sorted() == (0..<5).map { "committed-\($0)" })
            }
        }
    }
}
