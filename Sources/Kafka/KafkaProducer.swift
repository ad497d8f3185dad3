import CRdKafka
import Foundation
import Logging
import Synchronization

/// A Kafka producer: idempotent by default, optionally transactional.
///
/// `send` enqueues and returns at once (delivery is counted in `deliveryTally`); `produce` awaits the broker's
/// acknowledgement. A background thread serves delivery reports. When librdkafka raises a fatal error (an embedded
/// broker restarted empty leaves an idempotent producer stuck), the next call rebuilds the client.
/// Call `close()` when done: it flushes and stops the polling thread.
public final class KafkaProducer: Sendable {
    public let configuration: KafkaProducerConfiguration
    let logger: Logger
    private let connection: Mutex<Connection>
    private let rebuilds = Atomic<Int>(0)

    /// One librdkafka client with its topic handles and polling thread.
    final class Connection: @unchecked Sendable {  // rd_kafka_t and rd_kafka_topic_t are thread-safe handles
        let client: RDKafkaClient
        let poller: RDKafkaPollThread
        var topics: [String: OpaquePointer] = [:]
        var transactionsInitialized = false
        /// The open transaction's id (`<transactional id>/<nonce>`), stamped on every record sent in it.
        var currentTransaction: String?

        init(configuration: KafkaProducerConfiguration, logger: Logger) throws {
            client = try RDKafkaClient(
                kind: .producer, properties: configuration.properties, context: RDKafkaCallbackContext(logger: logger))
            poller = RDKafkaPollThread(name: "kafka.producer.poll", client: client)
        }

        func topic(_ name: String) -> OpaquePointer {
            if let existing = topics[name] { return existing }
            let created = rd_kafka_topic_new(client.handle, name, nil)!
            topics[name] = created
            return created
        }

        func shutDown() {
            poller.stop()
            for handle in topics.values { rd_kafka_topic_destroy(handle) }
            topics = [:]
        }
    }

    /// - Throws: `KafkaError` for invalid settings or a librdkafka older than 2.2.
    public init(configuration: KafkaProducerConfiguration, logger: Logger) throws {
        try configuration.validate()
        self.configuration = configuration
        self.logger = logger
        self.connection = Mutex(try Connection(configuration: configuration, logger: logger))
    }

    /// Counts of delivered and failed records since this producer started, rebuilds included.
    public var deliveryTally: (delivered: Int, failed: Int, lastFailure: String?) {
        connection.withLock { connection in
            connection.client.context.deliveries.withLock { ($0.delivered, $0.failed, $0.lastFailure) }
        }
    }

    /// Records handed to librdkafka and not yet acknowledged. Wraps `rd_kafka_outq_len`.
    public var inFlightCount: Int { Int(connection.withLock { rd_kafka_outq_len($0.client.handle) }) }

    /// The last connection-level error librdkafka reported (it names the broker, e.g. "127.0.0.1:9092/1: Connect to
    /// ipv4#127.0.0.1:9092 failed: Connection refused"), if any.
    public var lastTransportError: String? { connection.withLock { $0.client.context.lastTransportError.withLock { $0 } } }

    /// The fatal error that made the current client unusable, if any (the next call rebuilds it).
    public var fatalError: String? { connection.withLock { $0.client.context.fatalError.withLock { $0 } } }

    /// How many times the client was rebuilt after a fatal error or a stuck idempotent sequence.
    public var rebuildCount: Int { rebuilds.load(ordering: .relaxed) }

    /// Enqueues a record; returns once librdkafka holds a copy. Waits while the local queue is full.
    /// - Parameters:
    ///   - partition: nil lets the partitioner choose from the key.
    /// - Throws: `KafkaError` `.produceFailed` (unknown topic, message too large, queue full past the delivery timeout).
    public func send(
        topic: String, partition: Int32? = nil, key: [UInt8]?, value: [UInt8], headers: [KafkaHeader] = []
    ) throws {
        try enqueue(topic: topic, partition: partition, key: key, value: value, headers: headers, opaque: nil)
    }

    /// Produces a record and waits for the broker's acknowledgement.
    /// - Throws: `KafkaError` `.produceFailed` or `.deliveryFailed`.
    public func produce(
        topic: String, partition: Int32? = nil, key: [UInt8]?, value: [UInt8], headers: [KafkaHeader] = []
    ) async throws -> KafkaDeliveryReport {
        try await withCheckedThrowingContinuation { continuation in
            let box = Unmanaged.passRetained(RDKafkaDeliveryBox(continuation)).toOpaque()
            do {
                try enqueue(topic: topic, partition: partition, key: key, value: value, headers: headers, opaque: box)
            } catch {
                Unmanaged<RDKafkaDeliveryBox>.fromOpaque(box).release()
                continuation.resume(throwing: error)
            }
        }
    }

    private func enqueue(
        topic: String, partition: Int32?, key: [UInt8]?, value: [UInt8], headers: [KafkaHeader],
        opaque: UnsafeMutableRawPointer?
    ) throws {
        let deadline = ContinuousClock.now + configuration.deliveryTimeout
        while true {
            let code = connection.withLock { connection -> rd_kafka_resp_err_t in
                rebuildIfFatal(&connection)
                var headers = headers
                if let transaction = connection.currentTransaction {
                    headers.append(KafkaHeader(name: TransactionMarkerFilter.transactionHeader, string: transaction))
                }
                return Self.produceva(
                    connection: connection, topic: topic, partition: partition, key: key, value: value,
                    headers: headers, opaque: opaque)
            }
            if code == RD_KAFKA_RESP_ERR_NO_ERROR { return }
            if code == RD_KAFKA_RESP_ERR__QUEUE_FULL, ContinuousClock.now < deadline {
                usleep(1000)
                continue
            }
            throw KafkaError(
                .produceFailed, "produce to \(topic): \(RDKafkaErrors.text(code))",
                librdkafkaError: RDKafkaErrors.name(code), isRetriable: code == RD_KAFKA_RESP_ERR__QUEUE_FULL)
        }
    }

    /// Wraps `rd_kafka_produceva` with a cached topic handle, copied key/value and copied headers.
    private static func produceva(
        connection: Connection, topic: String, partition: Int32?, key: [UInt8]?, value: [UInt8],
        headers: [KafkaHeader], opaque: UnsafeMutableRawPointer?
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
        add(RD_KAFKA_VTYPE_RKT) { $0.u.rkt = connection.topic(topic) }
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
                guard let error = rd_kafka_produceva(connection.client.handle, fields, total) else {
                    return RD_KAFKA_RESP_ERR_NO_ERROR
                }
                let code = rd_kafka_error_code(error)
                rd_kafka_error_destroy(error)
                if let headerList { rd_kafka_headers_destroy(headerList) }
                return code
            }
        }
    }

    /// Replaces a client that librdkafka declared fatally failed; its unsent records are lost, and count as failed
    /// deliveries: the replacement starts from the old client's tally, so ``deliveryTally`` still shows every
    /// record that failed before the rebuild (a caller that checks it at the end, as feed does, must see them).
    private func rebuildIfFatal(_ connection: inout Connection) {
        guard let reason = connection.client.context.fatalError.withLock({ $0 }) else { return }
        logger.warning("kafka producer rebuilt after a fatal error", metadata: ["kafka.error": "\(reason)"])
        let handle = connection.client.handle
        rd_kafka_purge(handle, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT)
        connection.poller.stop()
        // Serve the purged records' delivery reports (bounded): each counts as failed, and an awaiting `produce`
        // gets its error instead of waiting forever.
        for _ in 0..<100 where rd_kafka_outq_len(handle) > 0 { rd_kafka_poll(handle, 10) }
        let tally = connection.client.context.deliveries.withLock { $0 }
        connection.shutDown()
        let wasTransactional = connection.transactionsInitialized
        guard let replacement = try? Connection(configuration: configuration, logger: logger) else { return }
        replacement.client.context.deliveries.withLock { $0 = tally }
        connection = replacement
        rebuilds.add(1, ordering: .relaxed)
        if wasTransactional {
            let error = rd_kafka_init_transactions(replacement.client.handle, Int32(configuration.client.requestTimeout.milliseconds))
            if let error { rd_kafka_error_destroy(error) } else { replacement.transactionsInitialized = true }
        }
    }

    /// Waits until every enqueued record is acknowledged or failed. Wraps `rd_kafka_flush`.
    /// - Throws: `KafkaError` `.timedOut` naming how many records are still in flight.
    public func flush(timeout: Duration) throws {
        let (code, remaining) = connection.withLock { connection in
            let code = rd_kafka_flush(connection.client.handle, Int32(timeout.milliseconds))
            return (code, rd_kafka_outq_len(connection.client.handle))
        }
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR else {
            let transport = connection.withLock { $0.client.context.lastTransportError.withLock { $0 } }
            throw KafkaError(
                .timedOut, "flush: \(remaining) records still in flight after \(timeout)"
                    + (transport.map { " (\($0))" } ?? ""), librdkafkaError: RDKafkaErrors.name(code))
        }
    }

    /// Flushes (up to `timeout`), stops the polling thread and frees the client.
    public func close(timeout: Duration = .seconds(10)) {
        connection.withLock { connection in
            connection.client.context.isClosing.withLock { $0 = true }
            rd_kafka_flush(connection.client.handle, Int32(timeout.milliseconds))
            connection.shutDown()
        }
    }

    /// Cluster metadata through this producer's connection.
    /// - Throws: `KafkaError` `.brokerUnreachable`.
    public func metadata(topic: String? = nil) throws -> KafkaClusterMetadata {
        let client = connection.withLock { $0.client }
        return try client.metadata(topic: topic, timeout: configuration.client.requestTimeout)
    }

    func withConnection<Result>(_ body: (Connection) throws -> Result) rethrows -> Result {
        try connection.withLock { connection in
            rebuildIfFatal(&connection)
            return try body(connection)
        }
    }
}
