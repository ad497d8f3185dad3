/// Hides records of aborted transactions from a `read_committed` consumer, even on a broker that delivers them
/// (the embedded tansu broker does).
///
/// A ThinkStream transactional producer tags each record of a transaction with the header `thinkstream.txn`
/// (`<transactional id>/<transaction nonce>`) and, just before committing, writes one end marker (empty value,
/// header `thinkstream.txn.end`) to every partition the transaction touched. This filter holds tagged records until
/// their end marker arrives on the same partition, then releases them in offset order. Held records are dropped as
/// aborted when the same transactional id starts another transaction on that partition without having ended the
/// first, or when a later record is newer than the first held one by more than the transaction timeout. End markers
/// are never delivered. Untagged records pass straight through.
///
/// On a broker with working `read_committed` the broker already hides aborted records and the filter only strips
/// the markers. A transaction that fails after its end markers were written (a failed commit) stays visible on a
/// broker that ignores aborts; ThinkStream's content-derived record ids let consumers drop such duplicates.
public struct TransactionMarkerFilter: Sendable {
    public static let transactionHeader = "thinkstream.txn"
    public static let endMarkerHeader = "thinkstream.txn.end"

    private struct HeldTransaction {
        var records: [KafkaMessage] = []
        var firstTimestampMilliseconds: Int64?
    }

    private struct PartitionState {
        /// Open transactions by id, and which transaction each transactional id has open.
        var held: [String: HeldTransaction] = [:]
        var openByProducer: [String: String] = [:]
    }

    private var partitions: [KafkaTopicPartition: PartitionState] = [:]
    public let transactionTimeoutMilliseconds: Int64
    /// Records dropped as belonging to aborted transactions, for metrics and tests.
    public private(set) var droppedRecordCount = 0

    public init(transactionTimeout: Duration = .seconds(60)) {
        transactionTimeoutMilliseconds = Int64(transactionTimeout.milliseconds)
    }

    /// Feeds one record in offset order; returns the records to deliver now (possibly none).
    public mutating func accept(_ message: KafkaMessage) -> [KafkaMessage] {
        let key = KafkaTopicPartition(topic: message.topic, partition: message.partition)
        var state = partitions[key, default: PartitionState()]
        defer { partitions[key] = state.held.isEmpty && state.openByProducer.isEmpty ? nil : state }
        expireStale(&state, now: message.timestampMilliseconds)
        if let ended = message.header(Self.endMarkerHeader) {
            state.openByProducer = state.openByProducer.filter { $0.value != ended }
            return state.held.removeValue(forKey: ended)?.records ?? []
        }
        guard let transaction = message.header(Self.transactionHeader) else { return [message] }
        let producer = Self.producerKey(of: transaction)
        if let previous = state.openByProducer[producer], previous != transaction {
            droppedRecordCount += state.held.removeValue(forKey: previous)?.records.count ?? 0
        }
        state.openByProducer[producer] = transaction
        state.held[transaction, default: HeldTransaction(firstTimestampMilliseconds: message.timestampMilliseconds)]
            .records.append(message)
        return []
    }

    /// The offset a consumer may commit for this partition without skipping held records: the lowest held offset,
    /// or `proposed` if it is lower or nothing is held.
    public func safeCommitOffset(for partition: KafkaTopicPartition, proposed: Int64) -> Int64 {
        let lowest = partitions[partition]?.held.values.compactMap { $0.records.first?.offset }.min()
        return min(proposed, lowest ?? proposed)
    }

    /// Forgets a partition's state (after a rebalance the consumer re-reads from the committed offset).
    public mutating func reset(_ partition: KafkaTopicPartition) { partitions[partition] = nil }

    /// Number of records currently held back.
    public var heldRecordCount: Int {
        partitions.values.reduce(0) { $0 + $1.held.values.reduce(0) { $0 + $1.records.count } }
    }

    private mutating func expireStale(_ state: inout PartitionState, now: Int64?) {
        guard let now else { return }
        for (transaction, held) in state.held {
            guard let first = held.firstTimestampMilliseconds, now - first > transactionTimeoutMilliseconds else {
                continue
            }
            droppedRecordCount += held.records.count
            state.held[transaction] = nil
            state.openByProducer = state.openByProducer.filter { $0.value != transaction }
        }
    }

    static func producerKey(of transaction: String) -> String {
        guard let slash = transaction.lastIndex(of: "/") else { return transaction }
        return String(transaction[..<slash])
    }
}
