import Foundation
import Generation
import Inference
import Testing

@Suite struct SamplerPenaltyTests {
    @Test func repetitionPresenceAndFrequencyPenaltiesFollowTheirDefinitions() {
        let sampler = Sampler(
            parameters: SamplingParameters(
                temperature: 1, repetitionPenalty: 2, presencePenalty: 0.5, frequencyPenalty: 0.25))
        var logits: [Float] = [4, -2, 1, 3]
        // Token 0 twice, token 1 once; token 3 never.
        sampler.applyPenalties(to: &logits, history: [0, 1, 0])
        let expected0: Float = 4 / 2 - 0.5 - 0.25 * 2
        let expected1: Float = -2 * 2 - 0.5 - 0.25 * 1
        #expect(logits[0] == expected0)
        #expect(logits[1] == expected1)
        #expect(logits[2] == 1)
        #expect(logits[3] == 3)
    }

    @Test func penaltiesLookOnlyAtTheWindow() {
        let sampler = Sampler(
            parameters: SamplingParameters(temperature: 1, presencePenalty: 1, penaltyWindowTokens: 2))
        var logits: [Float] = [0, 0, 0]
        sampler.applyPenalties(to: &logits, history: [0, 1, 2])
        #expect(logits == [0, -1, -1])
    }

    @Test func nGramBlockingBansEveryTokenThatWouldRepeatAnNGram() {
        // History "5 6 7 … 5 6": a 3-gram "5 6 7" exists, so 7 is blocked after "5 6"; "5 6 9" too.
        #expect(Sampler.blockedTokens(history: [5, 6, 7, 1, 5, 6, 9, 5, 6], nGram: 3) == [7, 9])
        #expect(Sampler.blockedTokens(history: [5, 6, 7, 1, 5, 6], nGram: 4).isEmpty)
        #expect(Sampler.blockedTokens(history: [1, 1, 1], nGram: 2) == [1])
        #expect(Sampler.blockedTokens(history: [1, 2], nGram: 0).isEmpty)
    }

    @Test func aBlockedTokenIsNeverPickedEvenWhenGreedyWouldPickIt() {
        var sampler = Sampler(parameters: SamplingParameters(temperature: 0, noRepeatNGramTokens: 2))
        let logits: [Float] = [0, 10, 9]
        // History ends with 1 and "1 1" occurred: 1 is blocked, so greedy takes 2.
        let picked = logits.withUnsafeBufferPointer { sampler.sample($0, history: [1, 1, 0, 1]) }
        #expect(picked == 2)
        var sampled = Sampler(parameters: SamplingParameters(temperature: 1, seed: 3, noRepeatNGramTokens: 2))
        for _ in 0..<200 {
            let token = logits.withUnsafeBufferPointer { sampled.sample($0, history: [1, 1, 0, 1]) }
            #expect(token != 1)
        }
    }

    @Test func withoutPenaltiesTheHistoryChangesNothing() {
        let logits: [Float] = (0..<64).map { Float(($0 * 37) % 11) / 3 }
        var plain = Sampler(parameters: SamplingParameters(temperature: 0.8, topP: 0.9, seed: 11))
        var withHistory = plain
        for step in 0..<50 {
            let a = logits.withUnsafeBufferPointer { plain.sample($0) }
            let b = logits.withUnsafeBufferPointer { withHistory.sample($0, history: [step, 3, 4, 3, 4]) }
            #expect(a == b)
        }
    }

    @Test func outOfRangePenaltiesAreRefusedByName() {
        #expect(throws: GenerationError.self) { try SamplingParameters(repetitionPenalty: 0).validate() }
        #expect(throws: GenerationError.self) { try SamplingParameters(presencePenalty: 3).validate() }
        #expect(throws: GenerationError.self) { try SamplingParameters(noRepeatNGramTokens: 1).validate() }
        #expect(throws: GenerationError.self) { try SamplingParameters(penaltyWindowTokens: 0).validate() }
        do {
            try SamplingParameters(frequencyPenalty: -5).validate()
        } catch let error as GenerationError {
            #expect(error.message.contains("sampling.frequencyPenalty"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func parametersWrittenBeforeThePenaltiesExistedStillDecode() throws {
        let old = #"{"temperature":0.6,"topK":0,"topP":0.9,"minP":0,"seed":7}"#
        let decoded = try JSONDecoder().decode(SamplingParameters.self, from: Data(old.utf8))
        #expect(decoded == SamplingParameters(temperature: 0.6, topP: 0.9, seed: 7))
        #expect(!decoded.penalizesRepetition)
    }
}
