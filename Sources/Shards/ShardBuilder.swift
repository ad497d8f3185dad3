import Crypto
import Foundation

/// Limits that close a shard: whichever is reached first.
public struct ShardLimits: Sendable, Equatable {
    public var maxSamples: Int
    /// Uncompressed sample bytes.
    public var maxBytes: Int
    /// Age of the oldest input in the open shard.
    public var maxAge: Duration
    public init(maxSamples: Int = 256, maxBytes: Int = 2 << 20, maxAge: Duration = .seconds(30)) {
        self.maxSamples = maxSamples
        self.maxBytes = maxBytes
        self.maxAge = maxAge
    }
}

/// Collects samples and the input offsets they came from until a limit is reached, then builds the record.
public struct ShardBuilder: Sendable {
    public let limits: ShardLimits
    public private(set) var samples: [ShardSample] = []
    public private(set) var deadLetterCount = 0
    private var ranges: [ShardSample.Source: ShardManifest.InputRange] = [:]
    private var sampleBytes = 0
    private var openedAt: ContinuousClock.Instant?

    public init(limits: ShardLimits) { self.limits = limits }

    /// Whether nothing (no sample, no covered offset) is in the open shard.
    public var isEmpty: Bool { ranges.isEmpty }

    /// Records that an input record was fully handled (its samples added, or it was dead-lettered or skipped).
    public mutating func cover(topic: String, partition: Int32, offset: Int64) {
        openedAt = openedAt ?? ContinuousClock.now
        let key = ShardSample.Source(topic: topic, partition: partition, offset: 0)
        if var range = ranges[key] {
            range.firstOffset = min(range.firstOffset, offset)
            range.lastOffset = max(range.lastOffset, offset)
            ranges[key] = range
        } else {
            ranges[key] = .init(topic: topic, partition: partition, firstOffset: offset, lastOffset: offset)
        }
    }

    public mutating func add(_ sample: ShardSample) {
        samples.append(sample)
        sampleBytes += sample.text.utf8.count + sample.tokenIDs.count * 6 + 512
    }

    public mutating func addDeadLetter() { deadLetterCount += 1 }

    /// Whether a limit is reached.
    public func isFull(now: ContinuousClock.Instant = .now) -> Bool {
        samples.count >= limits.maxSamples || sampleBytes >= limits.maxBytes
            || (openedAt.map { now - $0 >= limits.maxAge } ?? false)
    }

    /// The next offset to commit per input partition (last covered + 1).
    public var offsetsToCommit: [(topic: String, partition: Int32, offset: Int64)] {
        ranges.values.sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) }
            .map { ($0.topic, $0.partition, $0.lastOffset + 1) }
    }

    /// The content-derived id of a set of samples: sha256 of their sorted ids, or of the covered offsets when the
    /// shard holds only dead letters.
    public func shardID() -> String {
        let basis =
            samples.isEmpty
            ? offsetsToCommit.map { "\($0.topic)/\($0.partition)/\($0.offset)" }
            : samples.map(\.sampleID).sorted()
        return SHA256.hash(data: Array(basis.joined(separator: "\n").utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Builds the manifest and the compressed record value.
    public func build(generator: ShardManifest.Generator, tokenizer: String, createdAt: Date = Date()) throws
        -> (manifest: ShardManifest, value: [UInt8])
    {
        let (lines, checksum) = try ShardCodec.encodeSamples(samples)
        var histogram: [ReasoningLevel: Int] = [:]
        for sample in samples { histogram[sample.level, default: 0] += 1 }
        let documentTokens = samples.reduce(0) { $0 + $1.documentSpan.tokenEnd - $1.documentSpan.tokenStart }
        let thinkingTokens = samples.reduce(0) { $0 + $1.thinkingSpan.tokenEnd - $1.thinkingSpan.tokenStart }
        let manifest = ShardManifest(
            shardID: shardID(), createdAt: createdAt.formatted(.iso8601), sampleCount: samples.count,
            inputs: ranges.values.sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) },
            deadLetterCount: deadLetterCount,
            tokenCounts: .init(
                document: documentTokens, thinking: thinkingTokens, total: samples.reduce(0) { $0 + $1.tokenIDs.count }),
            difficultyHistogram: histogram, generator: generator, tokenizer: tokenizer, checksum: checksum)
        return (manifest, try ShardCodec.encode(manifest: manifest, sampleLines: lines))
    }
}
