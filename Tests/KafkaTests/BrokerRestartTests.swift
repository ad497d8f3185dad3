import Foundation
import Kafka
import Testing
import ThinkStreamTesting

@Suite(.serialized, .tags(.integration))
struct BrokerRestartTests {
    @Test func idempotentProducerRecoversWhenTheMemoryBrokerRestartsEmpty() async throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("restart-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: state) }
        let broker = try EmbeddedBroker(port: EmbeddedBroker.freePort(), stateDirectory: state)
        try broker.start(logger: TestLogging.logger)
        defer { broker.stop() }
        let client = KafkaClientConfiguration(bootstrapServers: broker.bootstrapServers, profile: .embedded, requestTimeout: .seconds(5))
        try KafkaAdmin(configuration: client, logger: TestLogging.logger).createTopics(["restart"], partitions: 1)
        let producer = try KafkaProducer(
            configuration: .init(client: client, deliveryTimeout: .seconds(5)), logger: TestLogging.logger)
        defer { producer.close(timeout: .seconds(1)) }
        for index in 0..<5 { try producer.send(topic: "restart", partition: 0, key: nil, value: [UInt8(index)]) }
        try producer.flush(timeout: .seconds(10))

        broker.stop()
        try broker.start(logger: TestLogging.logger)
        try KafkaAdmin(configuration: client, logger: TestLogging.logger).createTopics(["restart"], partitions: 1)

        var delivered: KafkaDeliveryReport?
        let deadline = ContinuousClock.now + .seconds(60)
        var attempts = 0
        while delivered == nil, ContinuousClock.now < deadline {
            attempts += 1
            delivered = try? await producer.produce(topic: "restart", partition: 0, key: nil, value: [42])
        }
        print("delivered after \(attempts) attempts; fatal error seen: \(producer.fatalError ?? "none"); last failure \(producer.deliveryTally.lastFailure ?? "none")")
        #expect(delivered?.offset == 0)
        #expect(producer.rebuildCount == 1)
    }
}
