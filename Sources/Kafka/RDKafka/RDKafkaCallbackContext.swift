import CRdKafka
import Logging
import Synchronization

/// What librdkafka's callbacks report back to the Swift side. Callbacks run on librdkafka's threads or inside a
/// poll call, so every field is immutable or behind a `Mutex`.
final class RDKafkaCallbackContext: Sendable {
    struct DeliveryTally: Sendable {
        var delivered = 0
        var failed = 0
        var lastFailure: String?
    }

    let logger: Logger
    let deliveries = Mutex(DeliveryTally())
    /// The fatal error librdkafka raised, if any; an idempotent or transactional producer must then be rebuilt.
    let fatalError = Mutex<String?>(nil)
    /// The last connection-level error (all brokers down, resolve failure), cleared on a later success.
    let lastTransportError = Mutex<String?>(nil)
    /// The client's bootstrap servers, named in the broker-unreachable warning (set once the client exists).
    let bootstrapServers = Mutex<String>("")
    /// When the last broker-unreachable warning was logged: at most one per ``transportWarningInterval``.
    let lastTransportWarning = Mutex<ContinuousClock.Instant?>(nil)
    static let transportWarningInterval = Duration.seconds(10)
    /// Set when the client starts closing: the connections it tears down then are no outage worth a warning.
    let isClosing = Mutex(false)
    let rebalanceHandler: Mutex<(@Sendable (KafkaRebalance) -> Void)?>
    /// The consumer's own reaction to a rebalance (resetting transaction filtering), run before `rebalanceHandler`.
    let internalRebalanceHandler = Mutex<(@Sendable (KafkaRebalance) -> Void)?>(nil)
    /// Partitions that acknowledged a record since the current transaction began (producer side).
    let touchedPartitions = Mutex<Set<KafkaTopicPartition>>([])

    init(logger: Logger) {
        self.logger = logger
        self.rebalanceHandler = Mutex(nil)
    }

    /// Delivery errors after which an idempotent producer's client is rebuilt.
    static let stuckProducerErrors: Set<rd_kafka_resp_err_t> = [
        RD_KAFKA_RESP_ERR__MSG_TIMED_OUT, RD_KAFKA_RESP_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER,
        RD_KAFKA_RESP_ERR_UNKNOWN_PRODUCER_ID, RD_KAFKA_RESP_ERR_INVALID_PRODUCER_EPOCH,
        RD_KAFKA_RESP_ERR__INCONSISTENT,
        RD_KAFKA_RESP_ERR__GAPLESS_GUARANTEE, RD_KAFKA_RESP_ERR__FATAL,
    ]

    var opaque: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    static func from(_ opaque: UnsafeMutableRawPointer?) -> RDKafkaCallbackContext? {
        opaque.map { Unmanaged<RDKafkaCallbackContext>.fromOpaque($0).takeUnretainedValue() }
    }
}

/// A change of a consumer's partition assignment, reported after it was applied.
public enum KafkaRebalance: Sendable {
    case assigned([KafkaTopicPartition])
    case revoked([KafkaTopicPartition])
}

/// Carries one awaited delivery from `rd_kafka_produceva` to the delivery-report callback.
final class RDKafkaDeliveryBox {
    let continuation: CheckedContinuation<KafkaDeliveryReport, any Error>
    init(_ continuation: CheckedContinuation<KafkaDeliveryReport, any Error>) { self.continuation = continuation }
}

let rdKafkaErrorCallback:
    @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?, UnsafeMutableRawPointer?) ->
        Void = { handle, code, reason, opaque in
            guard let context = RDKafkaCallbackContext.from(opaque) else { return }
            let text = reason.map { String(cString: $0) } ?? ""
            if code == RD_KAFKA_RESP_ERR__FATAL.rawValue, let handle {
                var buffer = [CChar](repeating: 0, count: 512)
                let underlying = rd_kafka_fatal_error(handle, &buffer, buffer.count)
                let detail = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                context.fatalError.withLock { $0 = "\(RDKafkaErrors.name(underlying)): \(detail)" }
                context.logger.error("kafka fatal error", metadata: ["kafka.error": "\(detail)"])
                return
            }
            if code == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN.rawValue || code == RD_KAFKA_RESP_ERR__RESOLVE.rawValue
                || code == RD_KAFKA_RESP_ERR__TRANSPORT.rawValue
            {
                context.lastTransportError.withLock { $0 = text }
                // librdkafka reconnects by itself; say so once in a while, naming the broker, instead of every retry.
                let now = ContinuousClock.now
                let due =
                    !context.isClosing.withLock { $0 }
                    && context.lastTransportWarning.withLock { last in
                        guard last.map({ now - $0 >= RDKafkaCallbackContext.transportWarningInterval }) ?? true else {
                            return false
                        }
                        last = now
                        return true
                    }
                if due {
                    context.logger.warning(
                        "kafka broker unreachable; librdkafka keeps reconnecting",
                        metadata: [
                            "kafka.bootstrap_servers": "\(context.bootstrapServers.withLock { $0 })",
                            "kafka.error": "\(text)",
                            "kafka.error_code": "\(RDKafkaErrors.name(rd_kafka_resp_err_t(code)))",
                        ])
                    return
                }
            }
            context.logger.debug("kafka error", metadata: ["kafka.error": "\(text)"])
        }

let rdKafkaLogCallback: @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> Void =
    { handle, level, facility, message in
        guard let handle, let context = RDKafkaCallbackContext.from(rd_kafka_opaque(handle)) else { return }
        let text = message.map { String(cString: $0) } ?? ""
        let logLevel: Logger.Level = level <= 2 ? .error : (level <= 4 ? .debug : .trace)
        context.logger.log(
            level: logLevel, "librdkafka",
            metadata: [
                "kafka.facility": "\(facility.map { String(cString: $0) } ?? "")",
                "kafka.log": "\(text)",
            ])
    }

let rdKafkaDeliveryCallback:
    @convention(c) (OpaquePointer?, UnsafePointer<rd_kafka_message_t>?, UnsafeMutableRawPointer?)
        -> Void = { _, message, opaque in
            guard let message, let context = RDKafkaCallbackContext.from(opaque) else { return }
            let raw = message.pointee
            let failed = raw.err != RD_KAFKA_RESP_ERR_NO_ERROR
            if let boxPointer = raw._private {
                let box = Unmanaged<RDKafkaDeliveryBox>.fromOpaque(boxPointer).takeRetainedValue()
                if failed {
                    box.continuation.resume(
                        throwing: KafkaError(
                            .deliveryFailed, "delivery failed: \(RDKafkaErrors.text(raw.err))",
                            librdkafkaError: RDKafkaErrors.name(raw.err)))
                } else {
                    let topic = raw.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? ""
                    box.continuation.resume(
                        returning: .init(topic: topic, partition: raw.partition, offset: raw.offset))
                }
            }
            if failed, RDKafkaCallbackContext.stuckProducerErrors.contains(raw.err) {
                // An idempotent producer whose sequence state the broker lost (an embedded broker restarted empty)
                // retries until every record times out and never recovers by itself: mark the client for a rebuild.
                context.fatalError.withLock { reason in
                    if reason == nil { reason = "\(RDKafkaErrors.name(raw.err)): \(RDKafkaErrors.text(raw.err))" }
                }
            }
            context.deliveries.withLock { tally in
                if failed {
                    tally.failed += 1
                    tally.lastFailure = RDKafkaErrors.text(raw.err)
                } else {
                    tally.delivered += 1
                }
            }
            if !failed, let topicHandle = raw.rkt {
                let partition = KafkaTopicPartition(
                    topic: String(cString: rd_kafka_topic_name(topicHandle)), partition: raw.partition)
                context.touchedPartitions.withLock { _ = $0.insert(partition) }
            }
        }

let rdKafkaRebalanceCallback:
    @convention(c) (
        OpaquePointer?, rd_kafka_resp_err_t, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?,
        UnsafeMutableRawPointer?
    ) -> Void = { handle, code, partitions, opaque in
        guard let handle, let context = RDKafkaCallbackContext.from(opaque) else { return }
        let cooperative = String(cString: rd_kafka_rebalance_protocol(handle)) == "COOPERATIVE"
        var list: [KafkaTopicPartition] = []
        if let partitions {
            for index in 0..<Int(partitions.pointee.cnt) {
                let element = partitions.pointee.elems[index]
                list.append(KafkaTopicPartition(topic: String(cString: element.topic), partition: element.partition))
            }
        }
        let event: KafkaRebalance
        if code == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS {
            if cooperative {
                if let error = rd_kafka_incremental_assign(handle, partitions) { rd_kafka_error_destroy(error) }
            } else {
                rd_kafka_assign(handle, partitions)
            }
            event = .assigned(list)
        } else {
            if cooperative {
                if let error = rd_kafka_incremental_unassign(handle, partitions) { rd_kafka_error_destroy(error) }
            } else {
                rd_kafka_assign(handle, nil)
            }
            event = .revoked(list)
        }
        context.logger.info("kafka rebalance", metadata: ["kafka.rebalance": "\(event)"])
        context.internalRebalanceHandler.withLock { $0 }?(event)
        context.rebalanceHandler.withLock { $0 }?(event)
    }
