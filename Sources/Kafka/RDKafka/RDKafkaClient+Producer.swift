import CRdKafka
import Synchronization

/// Producer calls on a client made with `kind: .producer`.
extension RDKafkaClient {
    /// What librdkafka made of one record handed to `produce`.
    enum ProduceResult {
        case enqueued
        /// The local queue is full: retry once deliveries made room, or throw the error (marked retriable).
        case queueFull(KafkaError)
        case failed(KafkaError)
    }

    /// Enqueues one record; librdkafka copies the key, value and headers. Wraps `rd_kafka_produceva`.
    /// - Parameters:
    ///   - topicHandles: this client's topic handles, where the topic's handle is created on first use.
    ///   - partition: nil lets the partitioner choose from the key.
    ///   - opaque: handed to the delivery-report callback (a retained `RDKafkaDeliveryBox`), or nil.
    /// - Returns: `.failed` with a `.produceFailed` error naming the topic (unknown topic, message too large).
    func produce(
        topic: String, topicHandles: RDKafkaTopicHandles, partition: Int32?, key: [UInt8]?, value: [UInt8],
        headers: [KafkaHeader], opaque: UnsafeMutableRawPointer?
    ) -> ProduceResult {
        let code = produceva(
            topicHandle: topicHandles.handle(topic), partition: partition, key: key, value: value, headers: headers,
            opaque: opaque)
        if code == RD_KAFKA_RESP_ERR_NO_ERROR { return .enqueued }
        let error = KafkaError(
            .produceFailed, "produce to \(topic): \(RDKafkaErrors.text(code))",
            librdkafkaError: RDKafkaErrors.name(code), isRetriable: code == RD_KAFKA_RESP_ERR__QUEUE_FULL)
        return code == RD_KAFKA_RESP_ERR__QUEUE_FULL ? .queueFull(error) : .failed(error)
    }

    /// Builds the header list and the `rd_kafka_vu_t` fields, and calls `rd_kafka_produceva`; the header list
    /// passes to librdkafka on success and is freed here on failure.
    private func produceva(
        topicHandle: OpaquePointer, partition: Int32?, key: [UInt8]?, value: [UInt8], headers: [KafkaHeader],
        opaque: UnsafeMutableRawPointer?
    ) -> rd_kafka_resp_err_t {
        let headerList: OpaquePointer? = headers.isEmpty ? nil : rd_kafka_headers_new(headers.count)
        for header in headers {
            header.value.withUnsafeBytes { bytes in
                _ = rd_kafka_header_add(headerList, header.name, -1, bytes.baseAddress, bytes.count)
            }
        }
        var fields = [rd_kafka_vu_t](repeating: rd_kafka_vu_t(), count: 7)
        var count = 0
        func add(_ type: rd_kafka_vtype_t, _ set: (inout rd_kafka_vu_t) -> Void) {
            fields[count].vtype = type
            set(&fields[count])
            count += 1
        }
        add(RD_KAFKA_VTYPE_RKT) { $0.u.rkt = topicHandle }
        add(RD_KAFKA_VTYPE_PARTITION) { $0.u.i32 = partition ?? RD_KAFKA_PARTITION_UA }
        add(RD_KAFKA_VTYPE_MSGFLAGS) { $0.u.i = RD_KAFKA_MSG_F_COPY }
        if let opaque { add(RD_KAFKA_VTYPE_OPAQUE) { $0.u.ptr = opaque } }
        if let headerList { add(RD_KAFKA_VTYPE_HEADERS) { $0.u.headers = headerList } }
        return value.withUnsafeBytes { valueBytes in
            (key ?? []).withUnsafeBytes { keyBytes in
                fields[count].vtype = RD_KAFKA_VTYPE_VALUE
                fields[count].u.mem.ptr = UnsafeMutableRawPointer(mutating: valueBytes.baseAddress)
                fields[count].u.mem.size = valueBytes.count
                var total = count + 1
                if key != nil {
                    fields[total].vtype = RD_KAFKA_VTYPE_KEY
                    fields[total].u.mem.ptr = UnsafeMutableRawPointer(mutating: keyBytes.baseAddress)
                    fields[total].u.mem.size = keyBytes.count
                    total += 1
                }
                guard let error = rd_kafka_produceva(handle, fields, total) else {
                    return RD_KAFKA_RESP_ERR_NO_ERROR
                }
                let code = rd_kafka_error_code(error)
                rd_kafka_error_destroy(error)
                if let headerList { rd_kafka_headers_destroy(headerList) }
                return code
            }
        }
    }

    /// Records handed to librdkafka and not yet acknowledged or failed. Wraps `rd_kafka_outq_len`.
    var outQueueLength: Int { Int(rd_kafka_outq_len(handle)) }

    /// Serves queued callbacks (delivery reports, errors) for up to `timeout`. Wraps `rd_kafka_poll`.
    func poll(timeout: Duration) {
        rd_kafka_poll(handle, Int32(timeout.milliseconds))
    }

    /// Drops every queued and in-flight record; each gets a failed delivery report on a later poll.
    /// Wraps `rd_kafka_purge`, whose only errors (bad flags, not a producer) cannot happen here.
    func purgeQueuedAndInFlight() {
        rd_kafka_purge(handle, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT)
    }

    /// Waits up to `timeout` until every enqueued record is acknowledged or failed. Wraps `rd_kafka_flush`.
    /// - Throws: `KafkaError` `.timedOut` naming how many records are still in flight and the last connection error.
    func flush(timeout: Duration) throws {
        let code = rd_kafka_flush(handle, Int32(timeout.milliseconds))
        let remaining = rd_kafka_outq_len(handle)
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR else {
            let transport = context.lastTransportError.withLock { $0 }
            throw KafkaError(
                .timedOut,
                "flush: \(remaining) records still in flight after \(timeout)"
                    + (transport.map { " (\($0))" } ?? ""), librdkafkaError: RDKafkaErrors.name(code))
        }
    }
}
