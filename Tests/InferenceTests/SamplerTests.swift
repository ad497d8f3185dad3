import Foundation
import Inference
import Testing

@Suite
struct SamplerTests {
    /// Logits whose softmax is 0.5, 0.25, 0.125, 0.0625, 0.0625 for ids 3, 0, 4, 1, 2.
    static let logits: [Float] = [log(0.25), log(0.0625), log(0.0625), log(0.5), log(0.125)].map { Float($0) }

    func candidateIDs(_ parameters: SamplingParameters) -> [Int] {
        Self.logits.withUnsafeBufferPointer { Sampler(parameters: parameters).candidates($0).map(\.id) }
    }

    @Test
    func greedyPicksTheLargestLogitAndTiesGoToTheLowerID() {
        var sampler = Sampler(parameters: .greedy)
        #expect(Self.logits.withUnsafeBufferPointer { sampler.sample($0) } == 3)
        let tied: [Float] = [1, 5, 5, 2]
        #expect(tied.withUnsafeBufferPointer { sampler.sample($0) } == 1)
    }

    @Test
    func topKKeepsTheKMostLikely() {
        #expect(candidateIDs(SamplingParameters(temperature: 1, topK: 2)) == [3, 0])
    }

    @Test
    func topPKeepsTheSmallestSetReachingP() {
        #expect(candidateIDs(SamplingParameters(temperature: 1, topP: 0.7)) == [3, 0])
        #expect(candidateIDs(SamplingParameters(temperature: 1, topP: 0.8)) == [3, 0, 4])
        #expect(candidateIDs(SamplingParameters(temperature: 1, topP: 0.5)) == [3])
    }

    @Test
    func minPDropsTokensBelowAFractionOfTheBest() {
        #expect(candidateIDs(SamplingParameters(temperature: 1, minP: 0.25)) == [3, 0, 4])
        #expect(candidateIDs(SamplingParameters(temperature: 1, minP: 0.3)) == [3, 0])
    }

    @Test
    func temperatureReshapesTheKeptProbabilities() {
        let kept = Self.logits.withUnsafeBufferPointer {
            Sampler(parameters: SamplingParameters(temperature: 2, topK: 2)).candidates($0)
        }
        // p ∝ (0.5, 0.25)^(1/2) → (0.5858, 0.4142)
        #expect(abs(kept[0].probability - 0.585_786) < 1e-5)
        #expect(abs(kept[1].probability - 0.414_214) < 1e-5)
    }

    @Test
    func seededSamplersRepeatAndSavedStateResumes() throws {
        let parameters = SamplingParameters(temperature: 1, seed: 42)
        func draw(_ sampler: inout Sampler, _ count: Int) -> [Int] {
            (0..<count).map { _ in Self.logits.withUnsafeBufferPointer { sampler.sample($0) } }
        }
        var first = Sampler(parameters: parameters)
        var second = Sampler(parameters: parameters)
        let a = draw(&first, 200)
        #expect(a == draw(&second, 200))
        #expect(Set(a).count > 1)
        let saved = first.random
        let next = draw(&first, 20)
        var restored = Sampler(parameters: parameters)
        restored.random = saved
        #expect(draw(&restored, 20) == next)
        var otherSeed = Sampler(parameters: SamplingParameters(temperature: 1, seed: 7))
        #expect(draw(&otherSeed, 200) != a)
    }

    @Test
    func drawsFollowTheDistribution() {
        var sampler = Sampler(parameters: SamplingParameters(temperature: 1, seed: 1))
        var counts = [Int](repeating: 0, count: 5)
        for _ in 0..<20_000 { counts[Self.logits.withUnsafeBufferPointer { sampler.sample($0) }] += 1 }
        #expect(abs(Double(counts[3]) / 20_000 - 0.5) < 0.02)
        #expect(abs(Double(counts[0]) / 20_000 - 0.25) < 0.02)
    }

    @Test
    func logProbabilityIsTheLogSoftmax() {
        let value = Self.logits.withUnsafeBufferPointer { Sampler.logProbability(of: 3, in: $0) }
        #expect(abs(value - Float(log(0.5))) < 1e-6)
    }
}
