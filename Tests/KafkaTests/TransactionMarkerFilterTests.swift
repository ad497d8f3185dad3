import Kafka
import Testing

@Suite struct TransactionMarkerFilterTests {
    private func record(
        _ offset: Int64, partition: Int32 = 0, transaction: String? = nil, end: String? = nil, timestamp: Int64 = 1_000
    ) -> KafkaMessage {
        var headers: [KafkaHeader] = []
        if let transaction {
            headers.append(.init(name: TransactionMarkerFilter.transactionHeader, string: transaction))
        }
        if let end { headers.append(.init(name: TransactionMarkerFilter.endMarkerHeader, string: end)) }
        return KafkaMessage(
            topic: "t", partition: partition, offset: offset, key: nil, value: Array("r\(offset)".utf8),
            headers: headers,
            timestampMilliseconds: timestamp)
    }

    @Test func untaggedRecordsPassStraightThrough() {
        var filter = TransactionMarkerFilter()
        #expect(filter.accept(record(0)).map(\.offset) == [0])
        #expect(filter.heldRecordCount == 0)
    }

    @Test func committedTransactionIsReleasedInOrderAtItsEndMarker() {
        var filter = TransactionMarkerFilter()
        #expect(filter.accept(record(0, transaction: "w1/a")).isEmpty)
        #expect(filter.accept(record(1, transaction: "w1/a")).isEmpty)
        #expect(filter.accept(record(2)).map(\.offset) == [2])
        #expect(filter.safeCommitOffset(for: .init(topic: "t", partition: 0), proposed: 3) == 0)
        #expect(filter.accept(record(3, transaction: "w1/a", end: "w1/a")).map(\.offset) == [0, 1])
        #expect(filter.safeCommitOffset(for: .init(topic: "t", partition: 0), proposed: 4) == 4)
        #expect(filter.heldRecordCount == 0)
    }

    @Test func transactionWithoutEndMarkerIsDroppedWhenItsProducerStartsAnother() {
        var filter = TransactionMarkerFilter()
        #expect(filter.accept(record(0, transaction: "w1/a")).isEmpty)
        #expect(filter.accept(record(1, transaction: "w2/x")).isEmpty)
        #expect(filter.accept(record(3, transaction: "w1/b")).isEmpty)
        #expect(filter.droppedRecordCount == 1)
        #expect(filter.accept(record(4, transaction: "w1/b", end: "w1/b")).map(\.offset) == [3])
        #expect(filter.accept(record(5, transaction: "w2/x", end: "w2/x")).map(\.offset) == [1])
    }

    @Test func transactionOlderThanTheTimeoutIsDropped() {
        var filter = TransactionMarkerFilter(transactionTimeout: .seconds(60))
        #expect(filter.accept(record(0, transaction: "w1/a", timestamp: 1_000)).isEmpty)
        #expect(filter.accept(record(1, timestamp: 30_000)).map(\.offset) == [1])
        #expect(filter.heldRecordCount == 1)
        #expect(filter.accept(record(2, timestamp: 62_000)).map(\.offset) == [2])
        #expect(filter.heldRecordCount == 0)
        #expect(filter.droppedRecordCount == 1)
    }

    @Test func partitionsAreIndependent() {
        var filter = TransactionMarkerFilter()
        #expect(filter.accept(record(0, partition: 0, transaction: "w1/a")).isEmpty)
        #expect(filter.accept(record(0, partition: 1, transaction: "w1/a")).isEmpty)
        #expect(filter.accept(record(1, partition: 1, end: "w1/a")).map(\.partition) == [1])
        #expect(filter.heldRecordCount == 1)
    }
}
