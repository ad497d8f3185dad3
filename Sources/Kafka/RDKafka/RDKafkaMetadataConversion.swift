import CRdKafka

extension KafkaClusterMetadata {
    /// Copies librdkafka's metadata (brokers, topics, partitions) into Swift values, sorted by topic name and
    /// partition id.
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
}
