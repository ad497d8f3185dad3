import Testing
import Training

/// The `--fresh` shapes the A/B harness trains: their sizes are what EXPERIMENTS.md and `train --help` state.
struct FreshShapeTests {
    @Test func tinyAndSmallHaveTheStatedParameterCounts() {
        // tiny: embeddings 256×64 + 2 blocks of (2 norms 64, q 64×64, k and v 32×64, o 64×64, gate/up/down 128×64) + norm
        #expect(
            ParameterLayout(config: .tiny).count == 256 * 64 + 2 * (2 * 64 + 64 * 64 * 2 + 32 * 64 * 2 + 3 * 128 * 64)
                + 64)
        #expect(ParameterLayout(config: .tiny).count == 90_432)
        #expect(
            ParameterLayout(config: .small).count == 256 * 128 + 4
                * (2 * 128 + 128 * 128 * 2 + 64 * 128 * 2 + 3 * 384 * 128) + 128)
        #expect((700_000...900_000).contains(ParameterLayout(config: .small).count))
        #expect(LlamaConfig.small.qDim == LlamaConfig.small.dModel)
    }
}
