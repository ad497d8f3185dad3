/// Settings every Kafka client shares: where the cluster is, how to reach it, and librdkafka pass-through.
public struct KafkaClientConfiguration: Sendable, Equatable {
    /// Which kind of broker the client talks to; it picks the defaults of settings a deployment rarely sets itself.
    public enum BrokerProfile: String, Sendable, Equatable, CaseIterable {
        /// A real Kafka cluster: Kafka's and librdkafka's own defaults (consumer session 45 s, heartbeat 3 s), which
        /// every broker accepts (Apache Kafka refuses sessions under `group.min.session.timeout.ms`, 6 s by default).
        case cluster
        /// The embedded tansu broker of the tests and the demo: a 2 s session with a 500 ms heartbeat, because tansu
        /// holds a JoinGroup for about half the session timeout (45 s would make every join take ~23 s).
        case embedded

        /// The replication factor of topics ThinkStream creates: -1 on a cluster (its `default.replication.factor`,
        /// Kafka 2.4+), 1 on the single embedded broker. Never 1 on a cluster by default: one lost broker would lose data.
        public var topicReplicationFactor: Int32 { self == .embedded ? 1 : -1 }
    }

    /// Comma-separated `host:port` list of bootstrap brokers.
    public var bootstrapServers: String
    /// The kind of broker; `.cluster` unless the embedded broker is named explicitly.
    public var profile: BrokerProfile
    public var clientID: String
    public var security: KafkaSecurity
    /// How long an operation that needs the broker (metadata, admin, flush) may take before it fails. On the embedded
    /// broker it also bounds every network request (`socket.timeout.ms`), so a test notices a dead connection fast; on
    /// a cluster librdkafka's own socket timeout (60 s) stays, as a degraded cluster's acks=all produce may need it.
    public var requestTimeout: Duration
    /// Any librdkafka property, applied last (`kafka.librdkafka.<property>` in config files).
    public var properties: [String: String]

    public init(
        bootstrapServers: String = "127.0.0.1:9092", profile: BrokerProfile = .cluster,
        clientID: String = "thinkstream",
        security: KafkaSecurity = .plaintext, requestTimeout: Duration = .seconds(10),
        properties: [String: String] = [:]
    ) {
        self.bootstrapServers = bootstrapServers
        self.profile = profile
        self.clientID = clientID
        self.security = security
        self.requestTimeout = requestTimeout
        self.properties = properties
    }

    /// Throws if a field cannot be turned into a working client configuration.
    /// - Throws: `KafkaError` with code `.invalidConfiguration`, naming the key and value.
    public func validate() throws {
        if bootstrapServers.isEmpty {
            throw KafkaError(.invalidConfiguration, "kafka.bootstrapServers is empty; give host:port[,host:port…]")
        }
        if requestTimeout <= .zero {
            throw KafkaError(.invalidConfiguration, "kafka.requestTimeout must be positive, got \(requestTimeout)")
        }
    }

    var baseProperties: [String: String] {
        var result = security.properties
        result["bootstrap.servers"] = bootstrapServers
        result["client.id"] = clientID
        if profile == .embedded { result["socket.timeout.ms"] = String(max(requestTimeout.milliseconds, 10)) }
        return result
    }
}

extension Duration {
    /// Whole milliseconds, rounded down.
    public var milliseconds: Int {
        let (seconds, attoseconds) = components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}
