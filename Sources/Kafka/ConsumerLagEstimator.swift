import Logging
import Synchronization

/// Measures a consumer group's lag on one topic, per partition, without joining the group.
///
/// Each `measure` asks for the group's committed offsets and every partition's watermarks, then reads the tail of
/// the partitions whose high watermark moved since the last measurement, so the end is right even where the broker's
/// watermark is not (see `PartitionEndTracker`). The reads use the estimator's own assign-only consumer and cost one
/// batch (or, for a group near the end, its last few records) per changed partition; partitions with nothing new cost
/// no read at all. Transaction markers, the broker's and ThinkStream's end markers alike, are not counted as records.
public final class ConsumerLagEstimator: Sendable {
    /// One partition's lag.
    public struct PartitionLag: Sendable, Equatable {
        public var partition: Int32
        /// The group's next offset to read; nil when it committed none.
        public var committed: Int64?
        /// The offset after the partition's last record or transaction marker.
        public var end: Int64
        /// Records the group has not consumed yet.
        public var records: Int64
        /// False when the tail read ran out of time: `records` is then a lower bound.
        public var isExact: Bool
    }

    public let topic: String
    public let groupID: String
    private let consumer: KafkaConsumer
    private let tracker = Mutex(PartitionEndTracker())

    /// - Parameters:
    ///   - client: how to reach the cluster.
    ///   - groupID: the group whose committed offsets count as consumed.
    ///   - topic: the topic it consumes.
    /// - Throws: `KafkaError` for invalid settings.
    public init(client: KafkaClientConfiguration, groupID: String, topic: String, logger: Logger) throws {
        var client = client
        client.clientID = "\(client.clientID)-lag"
        // A slow broker costs one skipped measurement, not a stalled shutdown.
        client.requestTimeout = min(client.requestTimeout, .seconds(5))
        client.properties["enable.auto.offset.store"] = "false"
        self.topic = topic
        self.groupID = groupID
        // Never subscribes, so it never joins the group; it only reads the group's offsets and assigns partitions.
        consumer = try KafkaConsumer(
            configuration: .init(
                client: client, groupID: groupID, autoOffsetReset: .latest, isolationLevel: .readUncommitted,
                reportPartitionEnd: true),
            logger: logger)
    }

    /// Measures every partition's lag. Blocks for broker round trips; call it off the cooperative pool.
    ///
    /// Measurements are serialized: the lock is held for the round trips because the estimator's one consumer reads
    /// one set of tails at a time (callers overlap only when a periodic measurement meets the last one at shutdown).
    /// - Parameter timeout: how long tail reads may take in all; partitions not at their end by then are reported
    ///   with `isExact` false.
    /// - Throws: `KafkaError` when the metadata, committed offsets or watermarks cannot be had.
    public func measure(timeout: Duration = .seconds(5)) throws -> [PartitionLag] {
        try tracker.withLock { tracker in try measure(with: &tracker, timeout: timeout) }
    }

    private func measure(with tracker: inout PartitionEndTracker, timeout: Duration) throws -> [PartitionLag] {
        guard let description = try consumer.metadata(topic: topic).topic(topic) else { return [] }
        let partitions = description.partitions.map { KafkaTopicPartition(topic: topic, partition: $0.id) }
        let committed = Dictionary(
            try consumer.committed(partitions).map { ($0.partition, $0.offset) },
            uniquingKeysWith: { first, _ in first })
        var watermarks: [Int32: (low: Int64, high: Int64)] = [:]
        for partition in partitions { watermarks[partition.partition] = try consumer.watermarks(partition) }
        let steps = Dictionary(
            uniqueKeysWithValues: watermarks.map { partition, marks in
                (
                    partition,
                    tracker.step(
                        partition: partition, low: marks.low, high: marks.high, committed: committed[partition])
                )
            })
        var tails: [Int32: PartitionEndTracker.Tail] = [:]
        var reads: [Int32: Int64] = [:]
        for (partition, step) in steps {
            switch step {
            case .known(let tail): tails[partition] = tail
            case .readTail(let from): reads[partition] = from
            }
        }
        let read = try readTails(from: reads, deadline: ContinuousClock.now + timeout)
        for (partition, tail) in read.complete {
            tracker.tailRead(partition: partition, watermark: watermarks[partition]!.high, tail)
        }
        return watermarks.keys.sorted().map { partition in
            let (low, high) = watermarks[partition]!
            let isExact = tails[partition] != nil || read.complete[partition] != nil
            var tail = tails[partition] ?? read.complete[partition] ?? read.partial[partition]!
            tail.end = max(tail.end, high)
            let offset = committed[partition].flatMap { $0 >= 0 ? $0 : nil }
            return PartitionLag(
                partition: partition, committed: offset, end: tail.end,
                records: PartitionEndTracker.lag(committed: offset, low: low, tail: tail), isExact: isExact)
        }
    }

    /// Reads each partition from its offset to its end, or until `deadline`; then stops fetching.
    private func readTails(from offsets: [Int32: Int64], deadline: ContinuousClock.Instant) throws
        -> (complete: [Int32: PartitionEndTracker.Tail], partial: [Int32: PartitionEndTracker.Tail])
    {
        guard !offsets.isEmpty else { return ([:], [:]) }
        try consumer.assign(offsets.map { KafkaPartitionOffset(topic: topic, partition: $0.key, offset: $0.value) })
        defer { try? consumer.assign([]) }
        var seen = offsets.mapValues { _ in [Int64]() }
        var complete: [Int32: PartitionEndTracker.Tail] = [:]
        while complete.count < offsets.count, ContinuousClock.now < deadline {
            switch try consumer.poll(timeout: .milliseconds(100)) {
            case .message(let message)? where message.topic == topic && complete[message.partition] == nil:
                // ThinkStream's own transaction end markers are records to the broker but never reach consumers.
                guard message.header(TransactionMarkerFilter.endMarkerHeader) == nil else { continue }
                seen[message.partition, default: []].append(message.offset)
            case .partitionEnd(let end)? where end.topic == topic && offsets[end.partition] != nil:
                let records = seen[end.partition, default: []].filter { $0 >= offsets[end.partition]! }
                complete[end.partition] = .init(
                    from: offsets[end.partition]!, end: max(end.offset, (records.last ?? -1) + 1),
                    recordOffsets: records)
            default: continue
            }
        }
        var partial: [Int32: PartitionEndTracker.Tail] = [:]
        for (partition, from) in offsets where complete[partition] == nil {
            let records = seen[partition, default: []].filter { $0 >= from }
            partial[partition] = .init(from: from, end: max(from, (records.last ?? -1) + 1), recordOffsets: records)
        }
        return (complete, partial)
    }

    /// Stops the estimator's consumer, after a measurement in progress.
    public func close() { tracker.withLock { _ in consumer.close() } }
}
