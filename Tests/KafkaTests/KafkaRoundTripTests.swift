import BrokerLauncher
import Foundation
import Kafka
import Testing
import ThinkStreamTesting

@Suite(.serialized, .tags(.integration))
struct KafkaRoundTripTests {
    @Test func loadedLibrdkafkaIsAtLeastTwoPointTwo() throws {
        try RDKafkaLibrary.requireSupportedVersion()
        #expect(RDKafkaLibrary.version >= RDKafkaLibrary.minimumVersion)
        #expect(RDKafkaLibrary.loadedPath != nil)
    }

    @Test func producedRecordsComeBackWithKeysValuesAndHeaders() async throws {
        try await withBroker { servers in
            try await withTestTopic(bootstrapServers: servers, partitions: 2) { topic in
                let producer = try KafkaProducer(
                    configuration: .init(client: .init(bootstrapServers: servers, profile: .embedded)),
                    logger: TestLogging.logger)
                for index in 0..<50 {
                    try producer.send(
                        topic: topic, key: Array("key-\(index)".utf8), value: Array("value-\(index)".utf8),
                        headers: [KafkaHeader(name: "schema", string: "test/1")])
                }
                let report = try await producer.produce(topic: topic, partition: 1, key: nil, value: [1, 2, 3])
                #expect(report.partition == 1)
                try producer.flush(timeout: .seconds(10))
                #expect(producer.deliveryTally.delivered == 51)
                #expect(producer.deliveryTally.failed == 0)
                producer.close()

                let messages = try TopicReader.readAll(servers: servers, topic: topic, expected: 51)
                #expect(messages.count == 51)
                let values = Set(messages.map { String(decoding: $0.value, as: UTF8.self) })
                #expect(values.count == 51)
                let keyed = messages.filter { $0.key != nil }
                #expect(keyed.allSatisfy { $0.header("schema") == "test/1" })
                for message in keyed {
                    let key = String(decoding: message.key!, as: UTF8.self)
                    #expect(
                        String(decoding: message.value, as: UTF8.self)
                            == key.replacingOccurrences(of: "key", with: "value"))
                }
            }
        }
    }

    @Test func countsRecordsPerPartitionByReadingToTheEnd() async throws {
        try await withBroker { servers in
            try await withTestTopic(bootstrapServers: servers, partitions: 3) { topic in
                let producer = try KafkaProducer(
                    configuration: .init(client: .init(bootstrapServers: servers, profile: .embedded)),
                    logger: TestLogging.logger)
                for index in 0..<30 {
                    try producer.send(topic: topic, partition: Int32(index % 3), key: nil, value: [UInt8(index)])
                }
                try producer.send(topic: topic, partition: 0, key: nil, value: [99])
                try producer.flush(timeout: .seconds(10))
                producer.close()
                let admin = try KafkaAdmin(
                    configuration: .init(bootstrapServers: servers, profile: .embedded), logger: TestLogging.logger)
                let counts = try admin.countRecords(topic: topic)
                #expect(counts.map(\.records) == [11, 10, 10])
                #expect(counts.map(\.endOffset) == [11, 10, 10])
                #expect(try admin.metadata(topic: topic).topic(topic)?.partitions.count == 3)
            }
        }
    }

    @Test func unreachableBrokerFailsWithinTheRequestTimeout() throws {
        let port = EmbeddedBroker.freePort()
        let admin = try KafkaAdmin(
            configuration: .init(
                bootstrapServers: "127.0.0.1:\(port)", profile: .embedded, requestTimeout: .seconds(1)),
            logger: TestLogging.logger)
        let error = #expect(throws: KafkaError.self) { try admin.metadata() }
        #expect(error?.code == .brokerUnreachable)
        #expect(error?.message.contains("127.0.0.1:\(port)") == true)
    }

    @Test func invalidPropertyIsRefusedWithItsName() {
        let error = #expect(throws: KafkaError.self) {
            try KafkaProducer(
                configuration: .init(client: .init(properties: ["no.such.property": "1"])), logger: TestLogging.logger)
        }
        #expect(error?.code == .invalidConfiguration)
        #expect(error?.message.contains("no.such.property") == true)
    }
}
