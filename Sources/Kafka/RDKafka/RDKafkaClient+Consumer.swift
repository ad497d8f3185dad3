import CRdKafka
import Logging

/// Consumer calls on a client made with `kind: .consumer`.
extension RDKafkaClient {
    /// The logical offset of a partition's first record (-2).
    static let beginningOffset = Int64(RD_KAFKA_OFFSET_BEGINNING)

    /// Joins the group for these topics. Wraps `rd_kafka_subscribe`.
    /// - Throws: `KafkaError` `.consumeFailed`.
    func subscribe(_ topics: [String]) throws {
        let list = RDKafkaTopicPartitionList(
            topics.map { KafkaTopicPartition(topic: $0, partition: RD_KAFKA_PARTITION_UA) })
        try RDKafkaErrors.check(rd_kafka_subscribe(handle, list.pointer), "rd_kafka_subscribe", as: .consumeFailed)
    }

    /// Reads these partitions from these offsets, outside group management. Wraps `rd_kafka_assign`.
    /// - Throws: `KafkaError` `.consumeFailed`.
    func assign(_ offsets: [KafkaPartitionOffset]) throws {
        let list = RDKafkaTopicPartitionList(offsets)
        try RDKafkaErrors.check(rd_kafka_assign(handle, list.pointer), "rd_kafka_assign", as: .consumeFailed)
    }

    /// The next record or partition-end event as librdkafka returned it, or nil if none arrived within `timeout` or
    /// it reported a transient error (logged at debug; librdkafka retries those by itself).
    /// Wraps `rd_kafka_consumer_poll`.
    /// - Throws: `KafkaError` `.consumeFailed` for an unknown or unauthorized topic or partition.
    func consumerPoll(timeout: Duration) throws -> KafkaConsumerEvent? {
        guard let message = rd_kafka_consumer_poll(handle, Int32(timeout.milliseconds)) else { return nil }
        defer { rd_kafka_message_destroy(message) }
        let raw = message.pointee
        switch raw.err {
        case RD_KAFKA_RESP_ERR_NO_ERROR:
            return .message(KafkaMessage(copying: message))
        case RD_KAFKA_RESP_ERR__PARTITION_EOF:
            let topic = raw.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? ""
            return .partitionEnd(.init(topic: topic, partition: raw.partition, offset: raw.offset))
        case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART, RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC,
            RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION, RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
            throw KafkaError(
                .consumeFailed, "consume: \(RDKafkaErrors.text(raw.err))", librdkafkaError: RDKafkaErrors.name(raw.err))
        default:
            context.logger.debug("kafka consumer error", metadata: ["kafka.error": "\(RDKafkaErrors.text(raw.err))"])
            return nil
        }
    }

    /// Commits offsets and waits for the broker. Wraps `rd_kafka_commit`.
    /// - Throws: `KafkaError` `.commitFailed`, naming the first partition the broker refused.
    func commit(_ offsets: [KafkaPartitionOffset]) throws {
        let list = RDKafkaTopicPartitionList(offsets)
        try RDKafkaErrors.check(rd_kafka_commit(handle, list.pointer, 0), "rd_kafka_commit", as: .commitFailed)
        for (offset, error) in list.elements {
            if let error {
                throw KafkaError(
                    .commitFailed, "commit \(offset): \(RDKafkaErrors.text(error))",
                    librdkafkaError: RDKafkaErrors.name(error))
            }
        }
    }

    /// The group's committed offsets for these partitions (-1001 where none). Wraps `rd_kafka_committed`.
    /// - Throws: `KafkaError` `.consumeFailed`.
    func committed(_ partitions: [KafkaTopicPartition], timeout: Duration) throws -> [KafkaPartitionOffset] {
        let list = RDKafkaTopicPartitionList(partitions)
        try RDKafkaErrors.check(
            rd_kafka_committed(handle, list.pointer, Int32(timeout.milliseconds)), "rd_kafka_committed",
            as: .consumeFailed)
        return list.elements.map(\.offset)
    }

    /// The partitions this member owns now. Wraps `rd_kafka_assignment`.
    /// - Throws: `KafkaError` `.consumeFailed`.
    func assignment() throws -> [KafkaTopicPartition] {
        var pointer: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
        try RDKafkaErrors.check(rd_kafka_assignment(handle, &pointer), "rd_kafka_assignment", as: .consumeFailed)
        guard let pointer else { return [] }
        return RDKafkaTopicPartitionList(adopting: pointer).partitions
    }

    /// Stops fetching these partitions. Wraps `rd_kafka_pause_partitions`.
    /// - Throws: `KafkaError` `.consumeFailed`.
    func pause(_ partitions: [KafkaTopicPartition]) throws {
        let list = RDKafkaTopicPartitionList(partitions)
        try RDKafkaErrors.check(
            rd_kafka_pause_partitions(handle, list.pointer), "rd_kafka_pause_partitions", as: .consumeFailed)
    }

    /// Resumes fetching these partitions. Wraps `rd_kafka_resume_partitions`.
    /// - Throws: `KafkaError` `.consumeFailed`.
    func resume(_ partitions: [KafkaTopicPartition]) throws {
        let list = RDKafkaTopicPartitionList(partitions)
        try RDKafkaErrors.check(
            rd_kafka_resume_partitions(handle, list.pointer), "rd_kafka_resume_partitions", as: .consumeFailed)
    }

    /// The broker's low and high watermark of a partition. Wraps `rd_kafka_query_watermark_offsets`.
    /// - Throws: `KafkaError` `.consumeFailed` when the broker does not answer within `timeout`.
    func watermarks(_ partition: KafkaTopicPartition, timeout: Duration) throws -> (low: Int64, high: Int64) {
        var low: Int64 = 0
        var high: Int64 = 0
        try RDKafkaErrors.check(
            rd_kafka_query_watermark_offsets(
                handle, partition.topic, partition.partition, &low, &high, Int32(timeout.milliseconds)),
            "rd_kafka_query_watermark_offsets", as: .consumeFailed)
        return (low, high)
    }

    /// Leaves the group (revoking partitions) and stops fetching. Wraps `rd_kafka_consumer_close`.
    func closeConsumer() {
        rd_kafka_consumer_close(handle)
    }
}
