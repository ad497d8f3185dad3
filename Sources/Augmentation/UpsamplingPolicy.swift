import Shards

/// How many thinking trajectories each document gets and how long each may be, by ``ReasoningLevel``.
///
/// In the paper up-sampling is emergent: harder documents get longer thinking, so more training tokens.
/// ThinkStream makes it explicit. `.natural` reproduces the paper (one trajectory, one cap for every level);
/// `.tiered` (the default) gives harder documents more trajectories and larger budgets. With the default tiers an
/// advanced document may receive 3 × 768 = 2,304 thinking tokens against 1 × 256 for a `none` document: 9× the
/// budget, and so at least 2× the training tokens whenever its trajectories use a third of their budget.
public struct UpsamplingPolicy: Sendable, Hashable, Codable {
    /// The up-sampling mode.
    public enum Mode: String, Sendable, Hashable, Codable {
        /// One trajectory with ``UpsamplingPolicy/naturalPlan``'s cap for every level, as in the paper.
        case natural
        /// Per-level trajectories and budgets from ``UpsamplingPolicy/tiers``.
        case tiered
    }

    /// The work planned for one level.
    public struct LevelPlan: Sendable, Hashable, Codable {
        /// Trajectories per document, each with its own seed.
        public var trajectories: Int
        /// Thinking tokens each trajectory may generate.
        public var maxThinkingTokens: Int

        /// Creates a plan.
        public init(trajectories: Int, maxThinkingTokens: Int) {
            self.trajectories = trajectories
            self.maxThinkingTokens = maxThinkingTokens
        }
    }

    /// The mode.
    public var mode: Mode
    /// The plan of `.natural` mode (the paper caps thinking at 8k tokens; the CPU default is 512).
    public var naturalPlan: LevelPlan
    /// The plans of `.tiered` mode; every level must have one.
    public var tiers: [ReasoningLevel: LevelPlan]

    /// The default tiers: none 1 × 256, basic 1 × 384, intermediate 2 × 512, advanced 3 × 768 tokens.
    public static let defaultTiers: [ReasoningLevel: LevelPlan] = [
        .none: LevelPlan(trajectories: 1, maxThinkingTokens: 256),
        .basic: LevelPlan(trajectories: 1, maxThinkingTokens: 384),
        .intermediate: LevelPlan(trajectories: 2, maxThinkingTokens: 512),
        .advanced: LevelPlan(trajectories: 3, maxThinkingTokens: 768),
    ]

    /// Creates a policy; the defaults are `.tiered` with ``defaultTiers`` and a natural plan of 1 × 512.
    public init(
        mode: Mode = .tiered, naturalPlan: LevelPlan = LevelPlan(trajectories: 1, maxThinkingTokens: 512),
        tiers: [ReasoningLevel: LevelPlan] = UpsamplingPolicy.defaultTiers
    ) {
        self.mode = mode
        self.naturalPlan = naturalPlan
        self.tiers = tiers
    }

    /// Throws unless every level has a plan with at least one trajectory and one token.
    ///
    /// - Throws: `AugmentationError.invalidPolicy` naming the level and field.
    public func validate() throws {
        var plans: [(String, LevelPlan?)] = [("natural", naturalPlan)]
        for level in ReasoningLevel.allCases { plans.append(("tiers.\(level.rawValue)", tiers[level])) }
        for (name, plan) in plans {
            guard let plan else {
                throw AugmentationError(.invalidPolicy, "upsampling.\(name) is missing; give every level a plan")
            }
            guard plan.trajectories >= 1, plan.maxThinkingTokens >= 1 else {
                throw AugmentationError(
                    .invalidPolicy,
                    "upsampling.\(name) = \(plan.trajectories) × \(plan.maxThinkingTokens) tokens; both must be >= 1")
            }
        }
    }

    /// The trajectories and thinking budget for a document of `level`.
    public func plan(for level: ReasoningLevel) -> (trajectories: Int, maxThinkingTokens: Int) {
        let chosen = mode == .natural ? naturalPlan : (tiers[level] ?? naturalPlan)
        return (chosen.trajectories, chosen.maxThinkingTokens)
    }

    /// The budget ratio of the hardest to the easiest level: (trajectories × tokens) of `advanced` over `none`.
    public var advancedToNoneBudgetRatio: Double {
        let advanced = plan(for: .advanced)
        let none = plan(for: .none)
        return Double(advanced.trajectories * advanced.maxThinkingTokens)
            / Double(none.trajectories * none.maxThinkingTokens)
    }

    /// The sampling seed of one generation attempt: FNV-1a over the document id, the trajectory index and the
    /// attempt, finished with SplitMix64. The same inputs give the same seed on every machine and run.
    ///
    /// - Parameters:
    ///   - documentID: the document's content-derived id.
    ///   - trajectoryIndex: 0 ..< trajectories.
    ///   - attempt: 0 for the first try, then one more for each regeneration after a gate rejection.
    public func seed(documentID: String, trajectoryIndex: Int, attempt: Int) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ byte: UInt8) { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        for byte in documentID.utf8 { mix(byte) }
        mix(0)
        for value in [UInt64(truncatingIfNeeded: trajectoryIndex), UInt64(truncatingIfNeeded: attempt)] {
            for shift in stride(from: 0, to: 64, by: 8) { mix(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
        }
        var z = hash &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
