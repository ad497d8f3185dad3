/// Producer settings. The defaults give an idempotent producer (acks=all, no duplicates on retry) with zstd batches.
public struct KafkaProducerConfiguration: Sendable, Equatable {
    public var client: KafkaClientConfiguration
    /// Exactly-once per partition on retries (`enable.idempotence`).
    public var idempotent: Bool
    /// Set for a transactional producer (`transactional.id`); implies idempotence.
    public var transactionalID: String?
    /// `none`, `gzip`, `snappy`, `lz4` or `zstd`.
    public var compression: String
    /// How long a batch may wait to fill (`linger.ms`).
    public var linger: Duration
    /// Largest batch in bytes (`batch.size`).
    public var batchSizeBytes: Int
    /// How long a message may wait for delivery, retries included (librdkafka's `message.timeout.ms`, Kafka's
    /// `delivery.timeout.ms`). `nil`, the default on every broker profile, leaves librdkafka's own: 300 s, or the
    /// transaction timeout (60 s) for a transactional producer, long enough to ride out a leader election or a
    /// rolling restart of a real cluster. (An earlier 30 s default, tuned for the embedded broker, failed feed on any
    /// network cut past 30 s.)
    public var deliveryTimeout: Duration?

    /// librdkafka's default `message.timeout.ms`: how long ``KafkaProducer`` waits for room in a full local queue
    /// when ``deliveryTimeout`` is not set.
    public static let librdkafkaDefaultDeliveryTimeout: Duration = .seconds(300)
    /// Messages held in the local queue before `send` waits (`queue.buffering.max.messages`).
    public var queueCapacityMessages: Int

    public init(
        client: KafkaClientConfiguration = .init(), idempotent: Bool = true, transactionalID: String? = nil,
        compression: String = "zstd", linger: Duration = .milliseconds(5), batchSizeBytes: Int = 1_000_000,
        deliveryTimeout: Duration? = nil, queueCapacityMessages: Int = 500_000
    ) {
        self.client = client
        self.idempotent = idempotent
        self.transactionalID = transactionalID
        self.compression = compression
        self.linger = linger
        self.batchSizeBytes = batchSizeBytes
        self.deliveryTimeout = deliveryTimeout
        self.queueCapacityMessages = queueCapacityMessages
    }

    /// - Throws: `KafkaError` `.invalidConfiguration` naming the key and value.
    public func validate() throws {
        try client.validate()
        guard ["none", "gzip", "snappy", "lz4", "zstd"].contains(compression) else {
            throw KafkaError(
                .invalidConfiguration,
                "kafka.producer.compression '\(compression)': use none, gzip, snappy, lz4 or zstd")
        }
        guard batchSizeBytes > 0, queueCapacityMessages > 0 else {
            throw KafkaError(.invalidConfiguration, "kafka.producer batch size and queue capacity must be positive")
        }
    }

    /// The librdkafka properties this configuration gives the producer (pass-through properties last).
    public var properties: [String: String] {
        var result = client.baseProperties
        result["enable.idempotence"] = (idempotent || transactionalID != nil) ? "true" : "false"
        result["acks"] = "all"
        result["compression.type"] = compression
        result["linger.ms"] = String(linger.milliseconds)
        result["batch.size"] = String(batchSizeBytes)
        if let deliveryTimeout { result["message.timeout.ms"] = String(deliveryTimeout.milliseconds) }
        result["queue.buffering.max.messages"] = String(queueCapacityMessages)
        if let transactionalID {
            result["transactional.id"] = transactionalID
            // librdkafka (2.16 here) re-bootstraps as soon as every known broker is down: during a network cut it
            // decommissions the brokers it knew, and a transactional producer whose group coordinator was
            // decommissioned then hangs in librdkafka's send-offsets-to-transaction call past its timeout, even after
            // the network is back (librdkafka #5456, #5511; NetworkCutTests). Without re-bootstrapping its broker
            // threads keep reconnecting to the advertised addresses. Only the transactional producer opts out: with
            // re-bootstrapping off in every client, `train` died of a SIGSEGV in librdkafka's metadata cache after the
            // embedded broker restarted empty (BrokerRestartTests). The cost: if every broker moves to a new address,
            // the worker needs a restart. `kafka.librdkafka.metadata.recovery.strategy` overrides it.
            if RDKafkaLibrary.hasMetadataRecoveryStrategy { result["metadata.recovery.strategy"] = "none" }
        }
        return result.merging(client.properties) { _, passThrough in passThrough }
    }
}
