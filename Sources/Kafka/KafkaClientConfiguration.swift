/// Settings every Kafka client shares: where the cluster is, how to reach it, and librdkafka pass-through.
public struct KafkaClientConfiguration: Sendable, Equatable {
    /// Comma-separated `host:port` list of bootstrap brokers.
    public var bootstrapServers: String
    public var clientID: String
    public var security: KafkaSecurity
    /// How long an operation that needs the broker (metadata, admin, flush) may take before it fails.
    public var requestTimeout: Duration
    /// Any librdkafka property, applied last (`kafka.librdkafka.<property>` in config files).
    public var properties: [String: String]

    public init(
        bootstrapServers: String = "127.0.0.1:9092", clientID: String = "thinkstream",
        security: KafkaSecurity = .plaintext, requestTimeout: Duration = .seconds(10),
        properties: [String: String] = [:]
    ) {
        self.bootstrapServers = bootstrapServers
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
        result["socket.timeout.ms"] = String(max(requestTimeout.milliseconds, 10))
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
