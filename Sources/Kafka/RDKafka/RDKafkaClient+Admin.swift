import CRdKafka

/// Admin calls: topic creation and group listing.
extension RDKafkaClient {
    /// Creates these topics and waits up to `timeout` plus a second for the answer; a topic that already exists
    /// counts as created. Wraps `rd_kafka_CreateTopics`.
    /// - Throws: `KafkaError` `.timedOut` when no answer arrives, `.adminFailed` naming the topic and the broker's
    ///   reason.
    func createTopics(_ names: [String], partitions: Int32, replicationFactor: Int32, timeout: Duration) throws {
        var reason = [CChar](repeating: 0, count: 512)
        let newTopics: [OpaquePointer] = names.map {
            rd_kafka_NewTopic_new($0, partitions, replicationFactor, &reason, reason.count)!
        }
        defer { newTopics.forEach { rd_kafka_NewTopic_destroy($0) } }
        let queue = rd_kafka_queue_new(handle)
        defer { rd_kafka_queue_destroy(queue) }
        let options = rd_kafka_AdminOptions_new(handle, RD_KAFKA_ADMIN_OP_CREATETOPICS)
        defer { rd_kafka_AdminOptions_destroy(options) }
        var topicsArray: [OpaquePointer?] = newTopics
        rd_kafka_CreateTopics(handle, &topicsArray, topicsArray.count, options, queue)
        guard let event = rd_kafka_queue_poll(queue, Int32(timeout.milliseconds) + 1000) else {
            throw KafkaError(.timedOut, "create topics \(names): no answer within \(timeout)")
        }
        defer { rd_kafka_event_destroy(event) }
        try RDKafkaErrors.check(rd_kafka_event_error(event), "create topics \(names)", as: .adminFailed)
        var count = 0
        let results = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event), &count)
        for index in 0..<count {
            let result = results![index]
            let code = rd_kafka_topic_result_error(result)
            if code != RD_KAFKA_RESP_ERR_NO_ERROR && code != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS {
                let name = String(cString: rd_kafka_topic_result_name(result))
                let why =
                    rd_kafka_topic_result_error_string(result).map { String(cString: $0) } ?? RDKafkaErrors.text(code)
                throw KafkaError(
                    .adminFailed, "create topic \(name): \(why)", librdkafkaError: RDKafkaErrors.name(code))
            }
        }
    }

    /// Names of the consumer groups the cluster knows, in the broker's order. Wraps `rd_kafka_list_groups`.
    /// - Throws: `KafkaError` `.adminFailed`.
    func consumerGroupNames(timeout: Duration) throws -> [String] {
        var list: UnsafePointer<rd_kafka_group_list>?
        try RDKafkaErrors.check(
            rd_kafka_list_groups(handle, nil, &list, Int32(timeout.milliseconds)), "rd_kafka_list_groups",
            as: .adminFailed)
        guard let list else { return [] }
        defer { rd_kafka_group_list_destroy(list) }
        return (0..<Int(list.pointee.group_cnt)).map { String(cString: list.pointee.groups[$0].group) }
    }
}
