import CRdKafka

/// Owns a consumer's `rd_kafka_consumer_group_metadata_t` (group, generation, member), the snapshot a transactional
/// producer sends with consumed offsets; freed in `deinit`.
final class RDKafkaConsumerGroupMetadata {
    let pointer: OpaquePointer?

    /// Snapshots the group metadata of a client made with `kind: .consumer`. Wraps `rd_kafka_consumer_group_metadata`.
    init(consumer: RDKafkaClient) { pointer = rd_kafka_consumer_group_metadata(consumer.handle) }

    deinit { if let pointer { rd_kafka_consumer_group_metadata_destroy(pointer) } }
}
