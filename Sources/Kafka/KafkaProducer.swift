import Foundation
import Logging
import Synchronization

/// A Kafka producer: idempotent by default, optionally transactional.
///
/// `send` enqueues and returns at once (delivery is counted in `deliveryTally`); `produce` awaits the broker's
/// acknowledgement. A background thread serves delivery reports. When librdkafka raises a fatal error (an embedded
/// broker restarted empty leaves an idempotent producer stuck), the next call rebuilds the client.
/// The async transaction calls run on the producer's own thread (`kafka.prod.io`, started on first use), so
/// awaiting them never blocks the cooperative pool; their synchronous twins are for synchronous callers.
/// Call `close()` when done: it flushes and stops the polling thread.
public final class KafkaProducer: Sendable {
    public let configuration: KafkaProducerConfiguration
    let logger: Logger
    private let connection: Mutex<Connection>
    private let rebuilds = Atomic<Int>(0)
    /// Where the async transaction calls block.
    let io = KafkaIOExecutor(name: "kafka.prod.io")

    /// One librdkafka client with its topic handles and polling thread.
    final class Connection: @unchecked Sendable {  // librdkafka's client and topic handles are thread-safe
        let client: RDKafkaClient
        let poller: RDKafkaPollThread
        let topics: RDKafkaTopicHandles
        var transactionsInitialized = false
        /// The open transaction's id (`<transactional id>/<nonce>`), stamped on every record sent in it.
        var currentTransaction: String?

        init(configuration: KafkaProducerConfiguration, logger: Logger) throws {
            client = try RDKafkaClient(
                kind: .producer, properties: configuration.properties, context: RDKafkaCallbackContext(logger: logger))
            poller = RDKafkaPollThread(name: "kafka.producer.poll", client: client)
            topics = RDKafkaTopicHandles(client: client)
        }

        func shutDown() {
            poller.stop()
            topics.removeAll()
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

    /// Records handed to librdkafka and not yet acknowledged.
    public var inFlightCount: Int { connection.withLock { $0.client.outQueueLength } }

    /// The last connection-level error librdkafka reported (it names the broker, e.g. "127.0.0.1:9092/1: Connect to
    /// ipv4#127.0.0.1:9092 failed: Connection refused"), if any.
    public var lastTransportError: String? {
        connection.withLock { $0.client.context.lastTransportError.withLock { $0 } }
    }

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
        let deadline =
            ContinuousClock.now
            + (configuration.deliveryTimeout ?? KafkaProducerConfiguration.librdkafkaDefaultDeliveryTimeout)
        while true {
            let result = connection.withLock { connection -> RDKafkaClient.ProduceResult in
                rebuildIfFatal(&connection)
                var headers = headers
                if let transaction = connection.currentTransaction {
                    headers.append(KafkaHeader(name: TransactionMarkerFilter.transactionHeader, string: transaction))
                }
                return connection.client.produce(
                    topic: topic, topicHandles: connection.topics, partition: partition, key: key, value: value,
                    headers: headers, opaque: opaque)
            }
            switch result {
            case .enqueued:
                return
            case .queueFull where ContinuousClock.now < deadline:
                usleep(1000)
            case .queueFull(let error), .failed(let error):
                throw error
            }
        }
    }

    /// Replaces a client that librdkafka declared fatally failed; its unsent records are lost, and count as failed
    /// deliveries: the replacement starts from the old client's tally, so ``deliveryTally`` still shows every
    /// record that failed before the rebuild (a caller that checks it at the end, as feed does, must see them).
    private func rebuildIfFatal(_ connection: inout Connection) {
        guard let reason = connection.client.context.fatalError.withLock({ $0 }) else { return }
        logger.warning("kafka producer rebuilt after a fatal error", metadata: ["kafka.error": "\(reason)"])
        let client = connection.client
        client.purgeQueuedAndInFlight()
        connection.poller.stop()
        // Serve the purged records' delivery reports (bounded): each counts as failed, and an awaiting `produce`
        // gets its error instead of waiting forever.
        for _ in 0..<100 where client.outQueueLength > 0 { client.poll(timeout: .milliseconds(10)) }
        let tally = connection.client.context.deliveries.withLock { $0 }
        connection.shutDown()
        let wasTransactional = connection.transactionsInitialized
        guard let replacement = try? Connection(configuration: configuration, logger: logger) else { return }
        replacement.client.context.deliveries.withLock { $0 = tally }
        connection = replacement
        rebuilds.add(1, ordering: .relaxed)
        if wasTransactional,
            (try? replacement.client.initTransactions(timeout: configuration.client.requestTimeout)) != nil
        {
            replacement.transactionsInitialized = true
        }
    }

    /// Waits until every enqueued record is acknowledged or failed.
    /// - Throws: `KafkaError` `.timedOut` naming how many records are still in flight.
    public func flush(timeout: Duration) throws {
        try connection.withLock { try $0.client.flush(timeout: timeout) }
    }

    /// Flushes (up to `timeout`), stops the polling thread and frees the client.
    public func close(timeout: Duration = .seconds(10)) {
        connection.withLock { connection in
            connection.client.context.isClosing.withLock { $0 = true }
            try? connection.client.flush(timeout: timeout)
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
