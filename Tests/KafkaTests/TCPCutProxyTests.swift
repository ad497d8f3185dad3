import BrokerLauncher
import Foundation
import Kafka
import Testing
import ThinkStreamTesting

/// The test-owned proxy the network-cut tests rely on: every client reaches the broker only through it, a cut
/// resets live connections and refuses or blackholes new ones, and a heal brings forwarding back.
@Suite(.serialized, .tags(.integration))
struct TCPCutProxyTests {
    @Test func theBrokerAdvertisesTheProxySoEveryConnectionGoesThroughIt() async throws {
        try await withProxiedBroker { proxy, broker, servers in
            #expect(servers == proxy.address)
            let admin = try KafkaAdmin(
                configuration: .init(bootstrapServers: broker.bootstrapServers, profile: .embedded),
                logger: TestLogging.logger)
            // Even bootstrapped at the broker's own port, metadata sends clients to the proxy.
            #expect(try admin.metadata().brokers.map { "\($0.host):\($0.port)" } == [servers])
            let forwarded = proxy.statistics.forwarded
            let producer = try KafkaProducer(
                configuration: .init(client: .init(bootstrapServers: servers, profile: .embedded)),
                logger: TestLogging.logger)
            defer { producer.close(timeout: .seconds(1)) }
            try KafkaAdmin(
                configuration: .init(bootstrapServers: servers, profile: .embedded), logger: TestLogging.logger
            )
            .createTopics(["proxied"], partitions: 1)
            let report = try await producer.produce(topic: "proxied", partition: 0, key: nil, value: [1])
            #expect(report.offset == 0)
            #expect(proxy.statistics.forwarded > forwarded)
            #expect(proxy.statistics.bytes > 0)
        }
    }

    @Test(arguments: [TCPCutProxy.CutMode.refuse, .blackhole])
    func aCutStopsDeliveryAndAHealResumesIt(_ mode: TCPCutProxy.CutMode) async throws {
        try await withProxiedBroker { proxy, _, servers in
            let client = KafkaClientConfiguration(
                bootstrapServers: servers, profile: .embedded, requestTimeout: .seconds(2))
            try KafkaAdmin(configuration: client, logger: TestLogging.logger).createTopics(["cut"], partitions: 1)
            let producer = try KafkaProducer(
                configuration: .init(client: client, deliveryTimeout: .seconds(60)), logger: TestLogging.logger)
            defer { producer.close(timeout: .seconds(1)) }
            _ = try await producer.produce(topic: "cut", partition: 0, key: nil, value: [0])

            proxy.cut(mode)
            #expect(proxy.cutMode == mode)
            try producer.send(topic: "cut", partition: 0, key: nil, value: [1])
            #expect(throws: KafkaError.self) { try producer.flush(timeout: .seconds(3)) }
            #expect(throws: KafkaError.self) {
                try KafkaAdmin(configuration: client, logger: TestLogging.logger).metadata()
            }
            #expect(proxy.statistics.resetByCut > 0)
            #expect(proxy.statistics.refusedWhileCut > 0)

            proxy.heal()
            try producer.flush(timeout: .seconds(30))
            #expect(producer.deliveryTally.delivered == 2)
            #expect(producer.deliveryTally.failed == 0)
        }
    }
}
