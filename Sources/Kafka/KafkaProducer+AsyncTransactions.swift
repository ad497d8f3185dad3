/// The transaction calls for async code: each runs its synchronous twin on the producer's own thread
/// (`kafka.prod.io`), so the awaiting task holds no thread of the cooperative pool while librdkafka waits for the
/// broker. Calls made concurrently run one after another, in the order they were made.
extension KafkaProducer {
    /// Registers the `transactional.id` with the cluster and fences older producers using it.
    /// - Throws: `KafkaError` `.transactionFailed` (or `.invalidConfiguration` without a transactional id).
    public func initTransactions() async throws {
        try await io.run { try initTransactions() }
    }

    /// Opens a transaction; records sent until it commits or aborts carry the `thinkstream.txn` header.
    /// - Throws: `KafkaError` `.transactionFailed`.
    public func beginTransaction() async throws {
        try await io.run { try beginTransaction() }
    }

    /// Adds consumed offsets (next offset to read, per partition) to the open transaction, so they commit with it.
    /// - Throws: `KafkaError` `.transactionFailed`.
    public func sendOffsetsToTransaction(_ offsets: [KafkaPartitionOffset], consumer: KafkaConsumer) async throws {
        try await io.run { try sendOffsetsToTransaction(offsets, consumer: consumer) }
    }

    /// Flushes, writes the end markers and commits the open transaction (see the synchronous twin).
    /// - Parameter beforeCommit: runs on the producer's thread once the records and end markers are flushed, just
    ///   before the commit is asked for (a test hook).
    /// - Throws: `KafkaError`; when `requiresAbort` is set, call `abortTransaction()` and retry the work.
    public func commitTransaction(beforeCommit: () -> Void = {}) async throws {
        try await io.run { try commitTransaction(beforeCommit: beforeCommit) }
    }

    /// Discards the open transaction's records and offsets.
    /// - Throws: `KafkaError` `.transactionFailed`.
    public func abortTransaction() async throws {
        try await io.run { try abortTransaction() }
    }
}
