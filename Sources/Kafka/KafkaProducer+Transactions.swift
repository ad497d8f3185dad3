import Synchronization

/// Kafka transactions: records and consumer offsets that become visible together, or not at all.
/// Each synchronous call blocks until the broker answers (up to the client's request timeout): async code awaits the
/// async twins instead (`KafkaProducer+AsyncTransactions.swift`), which run them on the producer's own thread.
extension KafkaProducer {
    private var requestTimeout: Duration { configuration.client.requestTimeout }

    /// Registers the `transactional.id` with the cluster and fences older producers using it.
    /// - Throws: `KafkaError` `.transactionFailed` (or `.invalidConfiguration` without a transactional id).
    public func initTransactions() throws {
        guard configuration.transactionalID != nil else {
            throw KafkaError(.invalidConfiguration, "initTransactions needs kafka.producer.transactionalID")
        }
        try withConnection { connection in
            try connection.client.initTransactions(timeout: requestTimeout)
            connection.transactionsInitialized = true
        }
    }

    /// Opens a transaction; records sent until it commits or aborts carry the `thinkstream.txn` header.
    public func beginTransaction() throws {
        try withConnection { connection in
            try connection.client.beginTransaction()
            connection.client.context.touchedPartitions.withLock { $0.removeAll() }
            let nonce = UInt64.random(in: 0...UInt64.max)
            connection.currentTransaction = "\(configuration.transactionalID ?? "")/\(String(nonce, radix: 36))"
        }
    }

    /// Adds consumed offsets (next offset to read, per partition) to the open transaction, so they commit with it.
    public func sendOffsetsToTransaction(_ offsets: [KafkaPartitionOffset], consumer: KafkaConsumer) throws {
        guard !offsets.isEmpty else { return }
        let groupMetadata = consumer.withClient { RDKafkaConsumerGroupMetadata(consumer: $0) }
        try withConnection { connection in
            try connection.client.sendOffsetsToTransaction(
                offsets, groupMetadata: groupMetadata, timeout: requestTimeout)
        }
    }

    /// Flushes, writes an end marker to every partition the transaction touched (see `TransactionMarkerFilter`),
    /// and commits the open transaction.
    /// - Parameter beforeCommit: runs once the records and end markers are flushed, just before the commit is asked
    ///   for (a test hook: crashing there leaves a transaction whose markers exist but which never committed).
    /// - Throws: `KafkaError`; when `requiresAbort` is set, call `abortTransaction()` and retry the work.
    public func commitTransaction(beforeCommit: () -> Void = {}) throws {
        try flush(timeout: configuration.client.requestTimeout)
        let (transaction, touched) = withConnection { connection in
            (connection.currentTransaction, connection.client.context.touchedPartitions.withLock { $0 })
        }
        if let transaction {
            for partition in touched.sorted(by: { ($0.topic, $0.partition) < ($1.topic, $1.partition) }) {
                try send(
                    topic: partition.topic, partition: partition.partition, key: nil, value: [],
                    headers: [KafkaHeader(name: TransactionMarkerFilter.endMarkerHeader, string: transaction)])
            }
        }
        if transaction != nil {
            try flush(timeout: configuration.client.requestTimeout)
            beforeCommit()
        }
        try withConnection { connection in
            defer { connection.currentTransaction = nil }
            try connection.client.commitTransaction(timeout: requestTimeout)
        }
    }

    /// Discards the open transaction's records and offsets.
    public func abortTransaction() throws {
        try withConnection { connection in
            defer { connection.currentTransaction = nil }
            try connection.client.abortTransaction(timeout: requestTimeout)
        }
    }
}
