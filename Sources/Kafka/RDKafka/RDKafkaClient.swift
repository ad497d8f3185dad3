import CRdKafka
import Synchronization

/// Owns one `rd_kafka_t` handle and the callback context its configuration points at.
///
/// `@unchecked Sendable`: librdkafka documents every call on an `rd_kafka_t` as thread-safe.
final class RDKafkaClient: @unchecked Sendable {
    enum Kind { case producer, consumer }

    let handle: OpaquePointer
    let context: RDKafkaCallbackContext
    let kind: Kind
    /// The bootstrap servers, for error messages.
    let brokerList: String

    /// - Throws: `KafkaError` for an old librdkafka, a refused property, or a failed `rd_kafka_new`.
    init(kind: Kind, properties: [String: String], context: RDKafkaCallbackContext) throws {
        try RDKafkaLibrary.requireSupportedVersion()
        let conf = try RDKafkaConfiguration.make(properties)
        rd_kafka_conf_set_opaque(conf, context.opaque)
        rd_kafka_conf_set_error_cb(conf, rdKafkaErrorCallback)
        rd_kafka_conf_set_log_cb(conf, rdKafkaLogCallback)
        switch kind {
        case .producer: rd_kafka_conf_set_dr_msg_cb(conf, rdKafkaDeliveryCallback)
        case .consumer: rd_kafka_conf_set_rebalance_cb(conf, rdKafkaRebalanceCallback)
        }
        var reason = [CChar](repeating: 0, count: 512)
        let created = rd_kafka_new(
            kind == .producer ? RD_KAFKA_PRODUCER : RD_KAFKA_CONSUMER, conf, &reason, reason.count)
        guard let created else {
            rd_kafka_conf_destroy(conf)
            let why = String(decoding: reason.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw KafkaError(.invalidConfiguration, "rd_kafka_new: \(why)")
        }
        self.handle = created
        self.context = context
        self.kind = kind
        self.brokerList = properties["bootstrap.servers"] ?? "the bootstrap servers"
        context.bootstrapServers.withLock { $0 = brokerList }
        if kind == .consumer { rd_kafka_poll_set_consumer(created) }
    }

    deinit { rd_kafka_destroy(handle) }

    /// Cluster metadata for one topic or all. Wraps `rd_kafka_metadata`.
    /// - Throws: `KafkaError` `.brokerUnreachable` when no broker answers within `timeout`.
    func metadata(topic: String? = nil, timeout: Duration) throws -> KafkaClusterMetadata {
        var pointer: UnsafePointer<rd_kafka_metadata>?
        var topicHandle: OpaquePointer?
        if let topic { topicHandle = rd_kafka_topic_new(handle, topic, nil) }
        defer { if let topicHandle { rd_kafka_topic_destroy(topicHandle) } }
        let code = rd_kafka_metadata(handle, topic == nil ? 1 : 0, topicHandle, &pointer, Int32(timeout.milliseconds))
        if code != RD_KAFKA_RESP_ERR_NO_ERROR {
            let transport = context.lastTransportError.withLock { $0 }
            throw KafkaError(
                .brokerUnreachable,
                "no broker at \(brokerList) answered a metadata request within \(timeout): \(RDKafkaErrors.text(code))"
                    + (transport.map { " (\($0))" } ?? ""), librdkafkaError: RDKafkaErrors.name(code))
        }
        defer { rd_kafka_metadata_destroy(pointer) }
        return KafkaClusterMetadata(copying: pointer!.pointee)
    }

}
