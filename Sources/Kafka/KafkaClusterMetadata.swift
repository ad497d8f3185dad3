/// Topics and partitions as the cluster describes them.
public struct KafkaClusterMetadata: Sendable {
    public struct Partition: Sendable {
        public var id: Int32
        public var leader: Int32
        public var replicas: [Int32]
    }

    public struct Topic: Sendable {
        public var name: String
        public var partitions: [Partition]
        /// The topic-level error librdkafka reported (e.g. unknown topic), if any.
        public var error: String?
    }

    public var brokers: [(id: Int32, host: String, port: Int32)]
    public var topics: [Topic]

    /// The topic with this name, if the cluster has it without error.
    public func topic(_ name: String) -> Topic? { topics.first { $0.name == name && $0.error == nil } }
}
