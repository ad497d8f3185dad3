/// Decides how to learn each partition's end, and turns an end and a committed offset into a lag in records.
///
/// The high watermark is cheap to ask for but not always right: the embedded broker (tansu 0.6) answers the last
/// batch's base offset + 1, so a 40-record batch at offset 0 reads as "end 1". Reading the partition from
/// `watermark - 1` to its end costs one batch on any broker and gives the true end, plus which offsets there hold
/// data records (transaction markers take offsets but are no records). A partition's tail is read again only when
/// its watermark moved: on both kinds of broker, an unchanged watermark means nothing was appended. When the group
/// is within `exactWindowOffsets` of the end, the read starts at its committed offset instead, so a caught-up group
/// whose last offsets are transaction markers shows lag 0, not the markers.
///
/// A value type without I/O: `ConsumerLagEstimator` does the round trips.
public struct PartitionEndTracker: Sendable {
    /// The last part of a partition as read from `from` to the partition end.
    public struct Tail: Sendable, Equatable {
        /// Where the read started.
        public var from: Int64
        /// The offset after the last record or transaction marker.
        public var end: Int64
        /// Offsets of the data records in `from..<end`, ascending.
        public var recordOffsets: [Int64]

        public init(from: Int64, end: Int64, recordOffsets: [Int64]) {
            self.from = from
            self.end = end
            self.recordOffsets = recordOffsets
        }
    }

    /// What to do for a partition.
    public enum Step: Sendable, Equatable {
        /// The end is known: nothing was appended since its tail was read, or the partition is empty.
        case known(Tail)
        /// Read the partition from this offset to its end, then call `tailRead`.
        case readTail(from: Int64)
    }

    /// How close to the end a committed offset must be for the tail read to start at it.
    public var exactWindowOffsets: Int64
    private var tails: [Int32: (watermark: Int64, tail: Tail)] = [:]

    public init(exactWindowOffsets: Int64 = 16) { self.exactWindowOffsets = exactWindowOffsets }

    /// The step for a partition whose watermarks are `low` and `high` now and whose group committed `committed`
    /// (nil or negative: nothing).
    public func step(partition: Int32, low: Int64, high: Int64, committed: Int64?) -> Step {
        if high <= low { return .known(Tail(from: high, end: high, recordOffsets: [])) }
        let next = Self.next(committed: committed, low: low)
        let from = next < high && next >= high - exactWindowOffsets ? next : max(low, high - 1)
        if let known = tails[partition], known.watermark == high, known.tail.from <= from {
            return .known(known.tail)
        }
        return .readTail(from: from)
    }

    /// Remembers a complete tail read (one that reached the partition end) under the watermark it was read for.
    public mutating func tailRead(partition: Int32, watermark: Int64, _ tail: Tail) {
        var tail = tail
        tail.end = max(tail.end, watermark)
        tails[partition] = (watermark, tail)
    }

    /// Records at or after `committed` (the next offset the group reads; nil or negative: none committed, so it reads
    /// from `low`) up to the tail's end. Exact inside the tail; before it, every offset counts as a record.
    public static func lag(committed: Int64?, low: Int64, tail: Tail) -> Int64 {
        let next = Self.next(committed: committed, low: low)
        if next >= tail.end { return 0 }
        let inTail = Int64(tail.recordOffsets.count { $0 >= next })
        return max(0, tail.from - next) + inTail
    }

    /// The next offset the group reads: its committed offset, or `low` when it committed none (or less).
    static func next(committed: Int64?, low: Int64) -> Int64 {
        max(low, committed.flatMap { $0 >= 0 ? $0 : nil } ?? low)
    }
}
