// Packs samples into fixed-length training rows: one token stream [EOS] s1 EOS s2 EOS ... cut into rows of T + 1
// tokens that overlap by one (row r reads stream[rT ..< rT+T] and predicts stream[rT+1 ... rT+T]), so every token
// after the leading EOS is a target exactly once. What a step does not use stays in the carry-over for the next.
// Legend: T = positions per row, R = rows per step (B * K), "target" = a token the model is trained to predict.
import Shards
import Training

/// What a packed target token is, for loss weights and metrics.
public enum PackedTokenKind: UInt8, Sendable, Codable, CaseIterable {
    /// Inside the sample's `documentSpan`.
    case document = 0
    /// Inside the sample's `thinkingSpan`.
    case thinking = 1
    /// Template text outside both spans, and the EOS closing a sample.
    case other = 2
    /// Filler of a final partial step; weight 0.
    case padding = 3
}

/// One optimizer step's rows with per-target metadata.
public struct PackedStep: Sendable {
    /// `R` rows of `T + 1` token ids.
    public var rows: [[Int]]
    /// Kind of each target. // [R, T]
    public var kinds: [PackedTokenKind]
    /// Difficulty level of each target's sample (nil for padding and the stream's leading EOS). // [R, T]
    public var levels: [ReasoningLevel?]
    /// Ids of the samples whose last token (their closing EOS) is a target in this step, in stream order.
    public var completedSampleIDs: [String]
    /// Levels of ``completedSampleIDs``, same order.
    public var completedLevels: [ReasoningLevel]
    /// Targets that are not padding.
    public var realTargets: Int { kinds.reduce(0) { $0 + ($1 == .padding ? 0 : 1) } }
}

/// Turns samples into ``PackedStep``s deterministically: the same samples in the same order give the same rows.
/// Its whole state is a `Codable` ``State`` saved in checkpoints, so a resumed run packs exactly as if it never
/// stopped.
public struct SequencePacker: Sendable {
    /// The carry-over: tokens not yet trained as targets (the first one is the context token of the next row).
    public struct State: Sendable, Codable, Equatable {
        /// Token ids. // [n]
        public var tokens: [Int32] = []
        /// `PackedTokenKind` raw values. // [n]
        public var kinds: [UInt8] = []
        /// Ordinal of each token's sample, -1 for the leading EOS and padding. // [n]
        public var owners: [Int64] = []
        /// Samples that still own tokens in the buffer, in ordinal order.
        public var samples: [PendingSample] = []
        /// Ordinal the next appended sample gets.
        public var nextOrdinal: Int64 = 0
        public init() {}
    }

    /// A sample with tokens in the carry-over.
    public struct PendingSample: Sendable, Codable, Equatable {
        public var ordinal: Int64
        public var sampleID: String
        public var level: ReasoningLevel
    }

    public let contextTokens: Int
    public let eosTokenID: Int
    public private(set) var state: State

    /// - Parameters:
    ///   - contextTokens: T.
    ///   - eosTokenID: the separator; also the stream's first token (the context of the first target).
    ///   - state: a saved carry-over, or `nil` to start a stream.
    public init(contextTokens: Int, eosTokenID: Int, state: State? = nil) {
        precondition(contextTokens >= 1, "SequencePacker needs T >= 1")
        self.contextTokens = contextTokens
        self.eosTokenID = eosTokenID
        if let state {
            self.state = state
        } else {
            var fresh = State()
            fresh.tokens = [Int32(eosTokenID)]
            fresh.kinds = [PackedTokenKind.other.rawValue]
            fresh.owners = [-1]
            self.state = fresh
        }
    }

    /// Tokens that can still become targets.
    public var pendingTargets: Int { max(0, state.tokens.count - 1) }

    /// Appends a sample's tokens and a closing EOS.
    public mutating func append(_ sample: ShardSample) {
        let ordinal = state.nextOrdinal
        state.nextOrdinal += 1
        state.samples.append(PendingSample(ordinal: ordinal, sampleID: sample.sampleID, level: sample.level))
        let documentRange =
            sample.documentSpan.tokenStart..<max(sample.documentSpan.tokenStart, sample.documentSpan.tokenEnd)
        let thinkingRange =
            sample.thinkingSpan.tokenStart..<max(sample.thinkingSpan.tokenStart, sample.thinkingSpan.tokenEnd)
        for (index, id) in sample.tokenIDs.enumerated() {
            let kind: PackedTokenKind =
                thinkingRange.contains(index) ? .thinking : documentRange.contains(index) ? .document : .other
            state.tokens.append(Int32(id))
            state.kinds.append(kind.rawValue)
            state.owners.append(ordinal)
        }
        state.tokens.append(Int32(eosTokenID))
        state.kinds.append(PackedTokenKind.other.rawValue)
        state.owners.append(ordinal)
    }

    /// The next step of `rows` rows, or `nil` when fewer than `rows * T` targets are pending. With `padding`, a
    /// partial step is returned instead, its missing tokens EOS of kind ``PackedTokenKind/padding`` (`nil` only when
    /// nothing is pending).
    public mutating func nextStep(rows: Int, padding: Bool = false) -> PackedStep? {
        let T = contextTokens
        let needed = rows * T
        guard pendingTargets >= needed || (padding && pendingTargets > 0) else { return nil }
        while state.tokens.count < needed + 1 {
            state.tokens.append(Int32(eosTokenID))
            state.kinds.append(PackedTokenKind.padding.rawValue)
            state.owners.append(-1)
        }
        let levelOf: [Int64: ReasoningLevel] = Dictionary(
            uniqueKeysWithValues: state.samples.map { ($0.ordinal, $0.level) })
        let lastTokenOf: [Int64: Int] = lastTokenIndices(upTo: needed)
        var step = PackedStep(rows: [], kinds: [], levels: [], completedSampleIDs: [], completedLevels: [])
        step.kinds.reserveCapacity(needed)
        for r in 0..<rows {
            step.rows.append(state.tokens[(r * T)...(r * T + T)].map(Int.init))
        }
        for index in 1...needed {
            step.kinds.append(PackedTokenKind(rawValue: state.kinds[index]) ?? .other)
            step.levels.append(levelOf[state.owners[index]])
        }
        for sample in state.samples {
            guard let last = lastTokenOf[sample.ordinal],
                last + 1 >= state.owners.count || state.owners[last + 1] != sample.ordinal
            else { continue }
            step.completedSampleIDs.append(sample.sampleID)
            step.completedLevels.append(sample.level)
        }
        state.tokens.removeFirst(needed)
        state.kinds.removeFirst(needed)
        state.owners.removeFirst(needed)
        let firstOwner = state.owners.first { $0 >= 0 } ?? state.nextOrdinal
        state.samples.removeAll { $0.ordinal < firstOwner }
        if state.kinds.allSatisfy({ $0 == PackedTokenKind.padding.rawValue }) {
            // Only padding (the last row's context token) is left: start the next stream from one EOS.
            state.tokens = [Int32(eosTokenID)]
            state.kinds = [PackedTokenKind.other.rawValue]
            state.owners = [-1]
        }
        return step
    }

    private func lastTokenIndices(upTo end: Int) -> [Int64: Int] {
        var last: [Int64: Int] = [:]
        for index in 1...end where state.owners[index] >= 0 { last[state.owners[index]] = index }
        return last
    }
}
