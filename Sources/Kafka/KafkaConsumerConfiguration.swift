/// Consumer-group settings.
///
/// The session and heartbeat come from the client's ``KafkaClientConfiguration/BrokerProfile`` unless set here:
/// on a cluster Kafka's defaults (45 s / 3 s; Apache Kafka refuses sessions under its
/// `group.min.session.timeout.ms`, 6 s by default), on the embedded broker 2 s / 500 ms (tansu holds a JoinGroup for
/// about half of `session.timeout.ms`, so 45 s would make every join take ~23 s). A short session needs a short
/// heartbeat (a 3 s heartbeat with a 2 s session silently loses the session and re-reads everything).
public struct KafkaConsumerConfiguration: Sendable, Equatable {
    public enum OffsetReset: String, Sendable { case earliest, latest, error }
    public enum IsolationLevel: String, Sendable {
        case readCommitted = "read_committed"
        case readUncommitted = "read_uncommitted"
    }

    public var client: KafkaClientConfiguration
    public var groupID: String
    /// `session.timeout.ms`; nil takes the profile's default (``effectiveSessionTimeout``).
    public var sessionTimeout: Duration?
    /// `heartbeat.interval.ms`; nil takes the profile's default (``effectiveHeartbeatInterval``).
    public var heartbeatInterval: Duration?
    /// Longest gap between polls before the member is evicted (`max.poll.interval.ms`).
    public var maxPollInterval: Duration
    public var autoOffsetReset: OffsetReset
    public var isolationLevel: IsolationLevel
    /// Report reaching the end of a partition as a `KafkaConsumerEvent.partitionEnd`.
    public var reportPartitionEnd: Bool

    public init(
        client: KafkaClientConfiguration = .init(), groupID: String, sessionTimeout: Duration? = nil,
        heartbeatInterval: Duration? = nil, maxPollInterval: Duration = .seconds(300),
        autoOffsetReset: OffsetReset = .earliest, isolationLevel: IsolationLevel = .readCommitted,
        reportPartitionEnd: Bool = false
    ) {
        self.client = client
        self.groupID = groupID
        self.sessionTimeout = sessionTimeout
        self.heartbeatInterval = heartbeatInterval
        self.maxPollInterval = maxPollInterval
        self.autoOffsetReset = autoOffsetReset
        self.isolationLevel = isolationLevel
        self.reportPartitionEnd = reportPartitionEnd
    }

    /// The session timeout in use: the one set, else the profile's (cluster 45 s, embedded 2 s).
    public var effectiveSessionTimeout: Duration {
        sessionTimeout ?? (client.profile == .embedded ? .seconds(2) : .seconds(45))
    }

    /// The heartbeat interval in use: the one set, else the profile's (cluster 3 s, embedded 500 ms).
    public var effectiveHeartbeatInterval: Duration {
        heartbeatInterval ?? (client.profile == .embedded ? .milliseconds(500) : .seconds(3))
    }

    /// - Throws: `KafkaError` `.invalidConfiguration` naming the key and value.
    public func validate() throws {
        try client.validate()
        if groupID.isEmpty { throw KafkaError(.invalidConfiguration, "kafka.consumer.groupID is empty") }
        if effectiveHeartbeatInterval * 3 > effectiveSessionTimeout {
            throw KafkaError(
                .invalidConfiguration,
                "kafka.consumer.heartbeatInterval \(effectiveHeartbeatInterval) must be at most a third of sessionTimeout "
                    + "\(effectiveSessionTimeout), or the group loses the session between heartbeats")
        }
    }

    /// Every librdkafka property the consumer is created with (the pass-through properties applied last).
    public var properties: [String: String] {
        var result = client.baseProperties
        result["group.id"] = groupID
        result["session.timeout.ms"] = String(effectiveSessionTimeout.milliseconds)
        result["heartbeat.interval.ms"] = String(effectiveHeartbeatInterval.milliseconds)
        result["max.poll.interval.ms"] = String(maxPollInterval.milliseconds)
        result["auto.offset.reset"] = autoOffsetReset.rawValue
        result["isolation.level"] = isolationLevel.rawValue
        result["enable.auto.commit"] = "false"
        result["enable.partition.eof"] = reportPartitionEnd ? "true" : "false"
        return result.merging(client.properties) { _, passThrough in passThrough }
    }
}
