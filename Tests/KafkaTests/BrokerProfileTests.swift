import BrokerLauncher
import Kafka
import Testing
import ThinkStreamTesting

/// Real-cluster defaults: the consumer's group timings come from the broker profile, so the embedded broker's fast
/// settings never reach a real cluster unless asked for.
struct BrokerProfileTests {
    /// Apache Kafka's `group.min.session.timeout.ms` default: a JoinGroup with a shorter session is refused.
    static let apacheKafkaMinimumSessionMilliseconds = 6_000

    @Test func aClusterClientGetsKafkasOwnGroupTimingsWhichEveryBrokerAccepts() throws {
        let consumer = KafkaConsumerConfiguration(client: .init(bootstrapServers: "kafka-1:9092"), groupID: "g")
        #expect(consumer.client.profile == .cluster)
        #expect(consumer.properties["session.timeout.ms"] == "45000")
        #expect(consumer.properties["heartbeat.interval.ms"] == "3000")
        #expect(
            try #require(Int(consumer.properties["session.timeout.ms"] ?? ""))
                >= Self.apacheKafkaMinimumSessionMilliseconds)
        try consumer.validate()
    }

    /// Timeouts: a cluster client leaves librdkafka's own socket timeout (60 s) and delivery timeout (300 s, the
    /// transaction timeout for a transactional producer); only the embedded broker's clients get the short ones.
    @Test func aClusterClientKeepsLibrdkafkasOwnSocketAndDeliveryTimeouts() throws {
        let cluster = KafkaClientConfiguration(bootstrapServers: "kafka-1:9092")
        let producer = KafkaProducerConfiguration(client: cluster)
        let transactional = KafkaProducerConfiguration(client: cluster, transactionalID: "augment-1")
        let consumer = KafkaConsumerConfiguration(client: cluster, groupID: "g")
        for properties in [producer.properties, transactional.properties, consumer.properties] {
            #expect(properties["socket.timeout.ms"] == nil)
            #expect(properties["message.timeout.ms"] == nil)
        }
        let embedded = KafkaClientConfiguration(
            bootstrapServers: "127.0.0.1:19092", profile: .embedded, requestTimeout: .seconds(2))
        #expect(KafkaConsumerConfiguration(client: embedded, groupID: "g").properties["socket.timeout.ms"] == "2000")
        #expect(
            KafkaProducerConfiguration(client: cluster, deliveryTimeout: .seconds(5)).properties["message.timeout.ms"]
                == "5000")
    }

    @Test func theEmbeddedProfileGetsTheFastJoinTimings() throws {
        let consumer = KafkaConsumerConfiguration(
            client: .init(bootstrapServers: "127.0.0.1:19092", profile: .embedded), groupID: "g")
        #expect(consumer.properties["session.timeout.ms"] == "2000")
        #expect(consumer.properties["heartbeat.interval.ms"] == "500")
        try consumer.validate()
    }

    @Test func explicitTimingsAndPassThroughPropertiesWinOverTheProfile() throws {
        var consumer = KafkaConsumerConfiguration(
            client: .init(bootstrapServers: "127.0.0.1:19092", profile: .embedded), groupID: "g",
            sessionTimeout: .seconds(10), heartbeatInterval: .seconds(1))
        #expect(consumer.properties["session.timeout.ms"] == "10000")
        #expect(consumer.properties["heartbeat.interval.ms"] == "1000")
        consumer.client.properties["session.timeout.ms"] = "30000"
        #expect(consumer.properties["session.timeout.ms"] == "30000")
    }

    @Test func aHeartbeatTooLongForTheProfilesSessionIsRefusedByName() {
        let consumer = KafkaConsumerConfiguration(
            client: .init(bootstrapServers: "127.0.0.1:19092", profile: .embedded), groupID: "g",
            heartbeatInterval: .seconds(3))
        #expect(throws: KafkaError.self) { try consumer.validate() }
        do {
            try consumer.validate()
        } catch {
            #expect("\(error)".contains("heartbeatInterval"))
        }
    }

    /// Topics ThinkStream creates on a cluster take the cluster's replication factor, never 1; on the single embedded
    /// broker, 1. The embedded broker accepts -1 too, so a cluster-profile admin creates topics there as well.
    @Test func createdTopicsAreReplicatedAsTheClusterSaysAndOnceOnTheEmbeddedBroker() async throws {
        #expect(KafkaClientConfiguration.BrokerProfile.cluster.topicReplicationFactor == -1)
        #expect(KafkaClientConfiguration.BrokerProfile.embedded.topicReplicationFactor == 1)
        try await withBroker { servers in
            let admin = try KafkaAdmin(
                configuration: .init(bootstrapServers: servers, profile: .cluster), logger: TestLogging.logger)
            let created = try admin.createTopics(["replication-check"], partitions: 2)
            #expect(created == ["replication-check"])
            #expect(try admin.metadata().topics.first { $0.name == "replication-check" }?.partitions.count == 2)
        }
    }
}
