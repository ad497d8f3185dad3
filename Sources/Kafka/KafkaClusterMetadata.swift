import CRdKafka

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

    init(copying metadata: rd_kafka_metadata) {
        brokers = (0..<Int(metadata.broker_cnt)).map { index in
            let broker = metadata.brokers[index]
            return (broker.id, String(cString: broker.host), broker.port)
        }
        topics = (0..<Int(metadata.topic_cnt)).map { index in
            let topic = metadata.topics[index]
            let partitions = (0..<Int(topic.partition_cnt)).map { partitionIndex in
                let partition = topic.partitions[partitionIndex]
                return Partition(
                    id: partition.id, leader: partition.leader,
                    replicas: (0..<Int(partition.replica_cnt)).map { partition.replicas[$0] })
            }
            return Topic(
                name: String(cString: topic.topic), partitions: partitions.sorted { $0.id < $1.id },
                error: topic.err == RD_KAFKA_RESP_ERR_NO_ERROR ? nil : RDKafkaErrors.text(topic.err))
        }.sorted { $0.name < $1.name }
    }

    /// The topic with this name, if the cluster has it without error.
    public func topic(_ name: String) -> Topic? { topics.first { $0.name == name && $0.error == nil } }
}
