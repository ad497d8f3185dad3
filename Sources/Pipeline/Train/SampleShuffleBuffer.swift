// A streaming shuffle buffer between the shard reader and the packer: samples wait in a bounded pool and leave it in
// a seeded random order, so samples that arrive side by side (a document's 2–3 trajectories in one shard) are trained
// far apart. Its whole state is `Codable` and saved in checkpoints, so a resumed run trains the same order.
import Randomness
import Shards

/// A bounded pool of samples that releases them in a seeded random order.
///
/// ``insert(_:)`` adds a sample; while more than ``capacity`` wait, one chosen uniformly at random leaves. ``drain()``
/// empties the pool in random order (the end of a finite topic). With capacity N, a sample leaves on average N samples
/// after it arrived, so neighbours in the stream are spread about N samples apart. The same inputs, capacity and seed
/// give the same output order.
public struct SampleShuffleBuffer: Sendable {
    /// Everything the buffer holds; saved in checkpoints.
    public struct State: Sendable, Codable, Equatable {
        /// Samples waiting to leave, in no meaningful order.
        public var samples: [ShardSample]
        public var random: SplitMix64
    }

    public let capacity: Int
    public private(set) var state: State

    /// - Parameters:
    ///   - capacity: samples held before one leaves; at least 1.
    ///   - seed: the order's seed.
    ///   - state: a saved pool, or `nil` to start empty.
    public init(capacity: Int, seed: UInt64, state: State? = nil) {
        precondition(capacity >= 1, "SampleShuffleBuffer needs capacity >= 1")
        self.capacity = capacity
        self.state = state ?? State(samples: [], random: SplitMix64(seed: seed))
    }

    /// Samples waiting in the pool.
    public var count: Int { state.samples.count }

    /// Adds `sample`; returns the samples that leave to bring the pool back to ``capacity`` (one at most, unless
    /// the pool was restored from a checkpoint of a larger buffer).
    public mutating func insert(_ sample: ShardSample) -> [ShardSample] {
        state.samples.append(sample)
        var released: [ShardSample] = []
        while state.samples.count > capacity { released.append(removeRandom()) }
        return released
    }

    /// Empties the pool, in random order.
    public mutating func drain() -> [ShardSample] {
        var released: [ShardSample] = []
        released.reserveCapacity(state.samples.count)
        while !state.samples.isEmpty { released.append(removeRandom()) }
        return released
    }

    private mutating func removeRandom() -> ShardSample {
        let index = Int(state.random.next() % UInt64(state.samples.count))
        state.samples.swapAt(index, state.samples.count - 1)
        return state.samples.removeLast()
    }
}
