import CRdKafka

/// Owns an `rd_kafka_topic_partition_list_t`; freed in `deinit`.
final class RDKafkaTopicPartitionList {
    let pointer: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>

    init(capacity: Int = 1) { pointer = rd_kafka_topic_partition_list_new(Int32(capacity)) }

    /// Adopts a list that librdkafka allocated.
    init(adopting pointer: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) { self.pointer = pointer }

    convenience init(_ offsets: [KafkaPartitionOffset]) {
        self.init(capacity: max(offsets.count, 1))
        for offset in offsets { add(offset.topicPartition, offset: offset.offset) }
    }

    convenience init(_ partitions: [KafkaTopicPartition]) {
        self.init(capacity: max(partitions.count, 1))
        for partition in partitions { add(partition, offset: Int64(RD_KAFKA_OFFSET_INVALID)) }
    }

    deinit { rd_kafka_topic_partition_list_destroy(pointer) }

    func add(_ topicPartition: KafkaTopicPartition, offset: Int64) {
        let element = rd_kafka_topic_partition_list_add(pointer, topicPartition.topic, topicPartition.partition)!
        element.pointee.offset = offset
    }

    /// Every element with its offset and per-partition error (nil when none).
    var elements: [(offset: KafkaPartitionOffset, error: rd_kafka_resp_err_t?)] {
        (0..<Int(pointer.pointee.cnt)).map { index in
            let element = pointer.pointee.elems[index]
            let offset = KafkaPartitionOffset(
                topic: String(cString: element.topic), partition: element.partition, offset: element.offset)
            return (offset, element.err == RD_KAFKA_RESP_ERR_NO_ERROR ? nil : element.err)
        }
    }

    var partitions: [KafkaTopicPartition] { elements.map(\.offset.topicPartition) }
}
