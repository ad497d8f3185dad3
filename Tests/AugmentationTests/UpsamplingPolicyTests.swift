import Augmentation
import Shards
import Foundation
import Testing

@Suite struct UpsamplingPolicyTests {
    @Test func tieredDefaultsGiveHarderDocumentsMoreAndLongerTrajectories() throws {
        let policy = UpsamplingPolicy()
        #expect(policy.mode == .tiered)
        #expect(policy.plan(for: .none) == (1, 256))
        #expect(policy.plan(for: .basic) == (1, 384))
        #expect(policy.plan(for: .intermediate) == (2, 512))
        #expect(policy.plan(for: .advanced) == (3, 768))
        #expect(policy.advancedToNoneBudgetRatio >= 2)
        try policy.validate()
    }

    @Test func aThinkingCapBoundsEveryLevelInBothModesAndLowersTheMinimumLength() throws {
        var tiered = TPTAugmenterConfiguration()
        tiered.capThinking(at: 400)
        #expect(tiered.upsampling.plan(for: .none) == (1, 256))
        #expect(tiered.upsampling.plan(for: .basic) == (1, 384))
        #expect(tiered.upsampling.plan(for: .intermediate) == (2, 400))
        #expect(tiered.upsampling.plan(for: .advanced) == (3, 400))
        #expect(tiered.gate.minThinkingTokens == 32, "a cap of 400 leaves the default minimum of 32")
        try tiered.validate()

        var natural = TPTAugmenterConfiguration(upsampling: UpsamplingPolicy(mode: .natural))
        natural.capThinking(at: 8)
        for level in ReasoningLevel.allCases { #expect(natural.upsampling.plan(for: level) == (1, 8)) }
        #expect(natural.gate.minThinkingTokens == 2, "a quarter of the cap, so 8-token trajectories can pass")
        try natural.validate()
    }

    @Test func naturalModeIsOneTrajectoryWithOneCap() {
        let policy = UpsamplingPolicy(mode: .natural, naturalPlan: .init(trajectories: 1, maxThinkingTokens: 8192))
        for level in ReasoningLevel.allCases { #expect(policy.plan(for: level) == (1, 8192)) }
        #expect(policy.advancedToNoneBudgetRatio == 1)
    }

    @Test func seedsAreDeterministicAndDistinct() {
        let policy = UpsamplingPolicy()
        let seed = policy.seed(documentID: "doc-1", trajectoryIndex: 0, attempt: 0)
        #expect(seed == UpsamplingPolicy().seed(documentID: "doc-1", trajectoryIndex: 0, attempt: 0))
        var seeds: Set<UInt64> = []
        for id in ["doc-1", "doc-2", "doc-10"] {
            for trajectory in 0..<3 {
                for attempt in 0..<3 {
                    seeds.insert(policy.seed(documentID: id, trajectoryIndex: trajectory, attempt: attempt))
                }
            }
        }
        #expect(seeds.count == 27)
    }

    @Test func seedsAreStableAcrossReleases() {
        // Pinned: a changed seed function silently changes every regenerated sample.
        #expect(UpsamplingPolicy().seed(documentID: "", trajectoryIndex: 0, attempt: 0) == Self.pinnedEmptySeed)
    }

    static let pinnedEmptySeed: UInt64 = 2_040_842_546_610_870_264

    @Test func validationRejectsAMissingTier() {
        var tiers = UpsamplingPolicy.defaultTiers
        tiers[.advanced] = nil
        do {
            try UpsamplingPolicy(tiers: tiers).validate()
            Issue.record("expected an error")
        } catch {
            #expect("\(error)".contains("upsampling.tiers.advanced"))
        }
    }

    @Test func policyRoundTripsThroughJSON() throws {
        let policy = UpsamplingPolicy()
        let data = try JSONEncoder().encode(policy)
        #expect(try JSONDecoder().decode(UpsamplingPolicy.self, from: data) == policy)
    }
}
