/// Consumer-group settings.
///
/// The session and heartbeat defaults suit the embedded broker: tansu holds a JoinGroup for about half of
/// `session.timeout.ms`, so librdkafka's 45 s default makes every join take ~23 s, while 2 s with a 500 ms heartbeat
/// joins in about a second. A short session needs a short heartbeat (a 3 s heartbeat with a 2 s session silently
/// loses the session and re-reads everything). On a production cluster raise both (e.g. 45 s / 3 s) through
/// `kafka.consumer.sessionTimeout` and `kafka.consumer.heartbeatInterval`.
public struct KafkaConsumerConfiguration: Sendable, Equatable {
    public enum OffsetReset: String, Sendable { case earliest, latest, error }
    public enum IsolationLevel: String, Sendable {
        case readCommitted = "read_committed"
        case readUncommitted = "read_uncommitted"
    }

    public var client: KafkaClientConfiguration
    public var groupID: String
    public var sessionTimeout: Duration
    public var heartbeatInterval: Duration
    /// Longest gap between polls before the member is evicted (`max.poll.interval.ms`).
    public var maxPollInterval: Duration
    public var autoOffsetReset: OffsetReset
    public var isolationLevel: IsolationLevel
    /// Report reaching the end of a partition as a `KafkaConsumerEvent.partitionEnd`.
    public var reportPartitionEnd: Bool

    public init(
        client: KafkaClientConfiguration = .init(), groupID: String, sessionTimeout: Duration = .seconds(2),
        heartbeatInterval: Duration = .milliseconds(500), maxPollInterval: Duration = .seconds(300),
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

    /// - Throws: `KafkaError` `.invalidConfiguration` naming the key and value.
    public func validate() throws {
        try client.validate()
        if groupID.isEmpty { throw KafkaError(.invalidConfiguration, "kafka.consumer.groupID is empty") }
        if heartbeatInterval * 3 > sessionTimeout {
            throw KafkaError(
                .invalidConfiguration,
                "kafka.consumer.heartbeatInterval \(heartbeatInterval) must be at most a third of sessionTimeout "
                    + "\(sessionTimeout), or the group loses the session between heartbeats")
        }
    }

    var properties: [String: String] {
        var result = client.baseProperties
        result["group.id"] = groupID
        result["session.timeout.ms"] = String(sessionTimeout.milliseconds)
        result["heartbeat.interval.ms"] = String(heartbeatInterval.milliseconds)
        result["max.poll.interval.ms"] = String(maxPollInterval.milliseconds)
        result["auto.offset.reset"] = autoOffsetReset.rawValue
        result["isolation.level"] = isolationLevel.rawValue
        result["enable.auto.commit"] = "false"
        result["enable.partition.eof"] = reportPartitionEnd ? "true" : "false"
        return result.merging(client.properties) { _, passThrough in passThrough }
    }
}
