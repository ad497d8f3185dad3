import Kafka

/// Creates the deployment's topics that are missing.
public enum TopicSetup {
    /// - Returns: the topics it created.
    /// - Throws: `KafkaError` (`.brokerUnreachable` when the cluster does not answer).
    @discardableResult
    public static func ensureTopics(_ names: TopicNames, partitions: Int32, admin: KafkaAdmin) throws -> [String] {
        try admin.createTopics(names.all, partitions: partitions)
    }
}
