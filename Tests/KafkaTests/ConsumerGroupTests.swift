import Foundation
import Kafka
import Testing
import ThinkStreamTesting

@Suite(.serialized, .tags(.integration))
struct ConsumerGroupTests {
    /// One group member that commits after every record, so a rebalance never re-delivers processed records.
    final class Member {
        var consumer: KafkaConsumer?
        var processed: [String] = []
        init(servers: String, group: String, topic: String) throws {
            consumer = try KafkaConsumer(
                configuration: .init(client: .init(bootstrapServers: servers, profile: .embedded), groupID: group),
                logger: TestLogging.logger)
            try consumer!.subscribe([topic])
        }

        func step() throws {
            guard let consumer, case .message(let message)? = try consumer.poll(timeout: .milliseconds(20)) else {
                return
            }
            processed.append(String(decoding: message.value, as: UTF8.self))
            try consumer.commit([message.nextOffset])
        }

        func leave() {
            consumer?.close()
            consumer = nil
        }
    }

    @Test func twoMembersSplitPartitionsAndALeavingMemberLosesAndDuplicatesNothing() async throws {
        try await withBroker { servers in
            try await withTestTopic(bootstrapServers: servers, partitions: 4) { topic in
                try runGroup(servers: servers, topic: topic)
            }
        }
    }

    private func runGroup(servers: String, topic: String) throws {
        let group = "group-\(UUID().uuidString.prefix(8))"
        let first = try Member(servers: servers, group: group, topic: topic)
        let second = try Member(servers: servers, group: group, topic: topic)
        var deadline = ContinuousClock.now + .seconds(30)
        var firstPartitions: [KafkaTopicPartition] = []
        var secondPartitions: [KafkaTopicPartition] = []
        while ContinuousClock.now < deadline {
            try first.step()
            try second.step()
            firstPartitions = try first.consumer!.assignment()
            secondPartitions = try second.consumer!.assignment()
            if !firstPartitions.isEmpty, !secondPartitions.isEmpty, firstPartitions.count + secondPartitions.count == 4
            {
                break
            }
        }
        #expect(firstPartitions.count == 2 && secondPartitions.count == 2)
        #expect(Set(firstPartitions).isDisjoint(with: secondPartitions))

        let producer = try KafkaProducer(
            configuration: .init(client: .init(bootstrapServers: servers, profile: .embedded)),
            logger: TestLogging.logger)
        for index in 0..<400 {
            try producer.send(topic: topic, partition: Int32(index % 4), key: nil, value: Array("record-\(index)".utf8))
        }
        try producer.flush(timeout: .seconds(10))
        producer.close()

        deadline = ContinuousClock.now + .seconds(60)
        while first.processed.count + second.processed.count < 400, ContinuousClock.now < deadline {
            try first.step()
            try second.step()
            if first.consumer != nil, first.processed.count >= 60 { first.leave() }
        }
        let settle = ContinuousClock.now + .seconds(2)
        while ContinuousClock.now < settle { try second.step() }
        second.leave()

        let all = first.processed + second.processed
        #expect(first.processed.count >= 60 && first.processed.count < 400)
        #expect(all.count == 400, "processed \(all.count) records")
        #expect(Set(all) == Set((0..<400).map { "record-\($0)" }))
    }
}
