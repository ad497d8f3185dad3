import Foundation
import Generation
import Inference
import Randomness
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

    /// The filters applied the plain way: sort every token within 40 nats of the best, cut.
    static func referenceCandidateIDs(_ logits: [Float], _ parameters: SamplingParameters) -> [Int] {
        let best = logits.max()!
        var kept = logits.enumerated().filter { $0.element >= best - 40 }.map { (id: $0.offset, logit: $0.element) }
        kept.sort { $0.logit > $1.logit || ($0.logit == $1.logit && $0.id < $1.id) }
        if parameters.topK > 0, kept.count > parameters.topK { kept.removeLast(kept.count - parameters.topK) }
        if parameters.topP < 1 {
            let weights = kept.map { exp(Double($0.logit - best)) }
            let total = weights.reduce(0, +)
            var cumulative = 0.0
            var keep = kept.count
            for (i, weight) in weights.enumerated() {
                cumulative += weight / total
                if cumulative >= Double(parameters.topP) {
                    keep = i + 1
                    break
                }
            }
            kept.removeLast(kept.count - keep)
        }
        if parameters.minP > 0 { kept = kept.filter { $0.logit >= kept[0].logit + log(parameters.minP) } }
        return kept.map(\.id)
    }

    @Test
    func filtersOnAVocabularySizedDistributionMatchTheFullSort() {
        var generator = SplitMix64(seed: 7)
        for scale: Float in [1, 3, 6] {
            // A peaked head over a long tail, like a language model's logits.
            let logits: [Float] = (0..<49_152).map { id in
                let u = Float(generator.nextUnitFloat())
                return scale * (u * u * u * 6) + (id % 1000 == 0 ? scale * 2 : 0)
            }
            for parameters in [
                SamplingParameters(temperature: 0.6, topP: 0.9), SamplingParameters(temperature: 1, topP: 0.5),
                SamplingParameters(temperature: 1, topK: 40), SamplingParameters(temperature: 1, topK: 40, topP: 0.8),
                SamplingParameters(temperature: 1, minP: 0.05),
                SamplingParameters(temperature: 1, topP: 0.95, minP: 0.1),
            ] {
                let ids = logits.withUnsafeBufferPointer { Sampler(parameters: parameters).candidates($0).map(\.id) }
                #expect(ids == Self.referenceCandidateIDs(logits, parameters), "scale \(scale), \(parameters)")
            }
        }
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
