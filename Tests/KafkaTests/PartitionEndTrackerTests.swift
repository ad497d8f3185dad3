import Kafka
import Testing

@Suite struct PartitionEndTrackerTests {
    typealias Tail = PartitionEndTracker.Tail

    @Test func aMovedWatermarkIsCheckedByReadingFromItsLastOffset() {
        let tracker = PartitionEndTracker()
        #expect(tracker.step(partition: 0, low: 0, high: 41, committed: nil) == .readTail(from: 40))
        #expect(
            tracker.step(partition: 1, low: 7, high: 7, committed: nil)
                == .known(Tail(from: 7, end: 7, recordOffsets: [])))
        #expect(tracker.step(partition: 2, low: 5, high: 6, committed: -1001) == .readTail(from: 5))
    }

    @Test func aGroupNearTheEndIsReadFromItsCommittedOffset() {
        let tracker = PartitionEndTracker(exactWindowOffsets: 16)
        #expect(tracker.step(partition: 0, low: 0, high: 41, committed: 30) == .readTail(from: 30))
        #expect(tracker.step(partition: 0, low: 0, high: 41, committed: 20) == .readTail(from: 40))
        #expect(tracker.step(partition: 0, low: 0, high: 41, committed: 41) == .readTail(from: 40))
    }

    @Test func anUnchangedWatermarkReusesTheTailRead() {
        var tracker = PartitionEndTracker()
        // tansu: a 5-record batch at offset 40 reads as watermark 41; the tail read finds the end at 45.
        let tail = Tail(from: 40, end: 45, recordOffsets: [40, 41, 42, 43, 44])
        tracker.tailRead(partition: 0, watermark: 41, tail)
        #expect(tracker.step(partition: 0, low: 0, high: 41, committed: nil) == .known(tail))
        #expect(tracker.step(partition: 0, low: 0, high: 41, committed: 43) == .known(tail))
        #expect(tracker.step(partition: 0, low: 0, high: 46, committed: nil) == .readTail(from: 45))
        #expect(tracker.step(partition: 1, low: 0, high: 41, committed: nil) == .readTail(from: 40))
    }

    @Test func aTailThatStartsAfterTheCommittedOffsetIsReadAgainNearTheEnd() {
        var tracker = PartitionEndTracker()
        tracker.tailRead(partition: 0, watermark: 41, Tail(from: 40, end: 41, recordOffsets: [40]))
        #expect(tracker.step(partition: 0, low: 0, high: 41, committed: 38) == .readTail(from: 38))
    }

    @Test func theEndIsNeverBelowTheWatermark() {
        var tracker = PartitionEndTracker()
        tracker.tailRead(partition: 0, watermark: 100, Tail(from: 99, end: 99, recordOffsets: []))
        #expect(
            tracker.step(partition: 0, low: 0, high: 100, committed: nil)
                == .known(Tail(from: 99, end: 100, recordOffsets: [])))
    }

    @Test(arguments: [
        // committed, expected lag; tail: records 40...44 of a partition that starts at 0.
        (nil as Int64?, 45 as Int64), (-1001, 45), (0, 45), (30, 15), (40, 5), (43, 2), (45, 0), (50, 0),
    ])
    func lagCountsRecordsFromTheCommittedOffset(committed: Int64?, expected: Int64) {
        let tail = Tail(from: 40, end: 45, recordOffsets: [40, 41, 42, 43, 44])
        #expect(PartitionEndTracker.lag(committed: committed, low: 0, tail: tail) == expected)
    }

    @Test func transactionMarkersAtTheEndAreNoLag() {
        // Shard 12, its ThinkStream end marker (13) and the broker's commit marker (14): the trainer commits 13.
        let tail = Tail(from: 12, end: 15, recordOffsets: [12])
        #expect(PartitionEndTracker.lag(committed: 13, low: 0, tail: tail) == 0)
        #expect(PartitionEndTracker.lag(committed: 12, low: 0, tail: tail) == 1)
        #expect(PartitionEndTracker.lag(committed: 13, low: 0, tail: Tail(from: 13, end: 15, recordOffsets: [])) == 0)
    }

    @Test func aCommittedOffsetBelowTheLowWatermarkCountsFromTheLowWatermark() {
        let tail = Tail(from: 99, end: 100, recordOffsets: [99])
        #expect(PartitionEndTracker.lag(committed: 10, low: 50, tail: tail) == 50)
    }
}
