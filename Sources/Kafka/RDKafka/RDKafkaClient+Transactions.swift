import CRdKafka

/// Transaction calls on a client made with `kind: .producer` and a `transactional.id`. Each blocks until the broker
/// answers, up to `timeout`.
extension RDKafkaClient {
    /// Registers the transactional id with the cluster and fences older producers using it.
    /// Wraps `rd_kafka_init_transactions`.
    /// - Throws: `KafkaError` `.transactionFailed` (`.fatal` for a fatal error).
    func initTransactions(timeout: Duration) throws {
        try RDKafkaErrors.check(
            rd_kafka_init_transactions(handle, Int32(timeout.milliseconds)), "rd_kafka_init_transactions",
            as: .transactionFailed)
    }

    /// Opens a transaction. Wraps `rd_kafka_begin_transaction`.
    /// - Throws: `KafkaError` `.transactionFailed` (`.fatal` for a fatal error).
    func beginTransaction() throws {
        try RDKafkaErrors.check(
            rd_kafka_begin_transaction(handle), "rd_kafka_begin_transaction", as: .transactionFailed)
    }

    /// Adds consumed offsets to the open transaction, with the consumer group's metadata.
    /// Wraps `rd_kafka_send_offsets_to_transaction`.
    /// - Throws: `KafkaError` `.transactionFailed` (`.fatal` for a fatal error).
    func sendOffsetsToTransaction(
        _ offsets: [KafkaPartitionOffset], groupMetadata: RDKafkaConsumerGroupMetadata, timeout: Duration
    ) throws {
        let list = RDKafkaTopicPartitionList(offsets)
        try RDKafkaErrors.check(
            rd_kafka_send_offsets_to_transaction(
                handle, list.pointer, groupMetadata.pointer, Int32(timeout.milliseconds)),
            "rd_kafka_send_offsets_to_transaction", as: .transactionFailed)
    }

    /// Commits the open transaction. Wraps `rd_kafka_commit_transaction`.
    /// - Throws: `KafkaError` `.transactionFailed` (`.fatal` for a fatal error), with `requiresAbort` when the
    ///   transaction must be aborted.
    func commitTransaction(timeout: Duration) throws {
        try RDKafkaErrors.check(
            rd_kafka_commit_transaction(handle, Int32(timeout.milliseconds)), "rd_kafka_commit_transaction",
            as: .transactionFailed)
    }

    /// Discards the open transaction's records and offsets. Wraps `rd_kafka_abort_transaction`.
    /// - Throws: `KafkaError` `.transactionFailed` (`.fatal` for a fatal error).
    func abortTransaction(timeout: Duration) throws {
        try RDKafkaErrors.check(
            rd_kafka_abort_transaction(handle, Int32(timeout.milliseconds)), "rd_kafka_abort_transaction",
            as: .transactionFailed)
    }
}
