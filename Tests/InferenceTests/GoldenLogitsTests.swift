import Foundation
import Inference
import Testing

extension ModelTests {
    /// Last-position logits and prompt log-probabilities against llama.cpp (logits.json).
    @Suite(.serialized)
    struct GoldenLogitsTests {
        /// Max |engine - llama.cpp| over the log-probabilities of the golden top-100 ids. These models are sensitive:
        /// llama.cpp itself moves the SmolLM2 "fox" top logit by 0.25 between its own builds/settings (0.3.36 wheel with
        /// all outputs: 17.58 vs golden 17.34; F32 KV cache: 17.75). Measured here: SmolLM2 0.33, Gemma 0.60, Qwen 0.26
        /// with q4_K weights repacked (0.41, 0.46, 0.33 with every matrix read from the file; RepackedWeightsTests).
        /// Raised from 0.6 when q4_K repacking came: the engine's two q4_K kernels, which differ only in float
        /// summation order, themselves move Gemma's logits by up to 0.61 (RepackedWeightsTests).
        static let logProbabilityTolerance = 0.7
        /// Max |engine - llama.cpp| over prompt log-probabilities (measured: 0.22, 0.15, 0.25).
        static let promptLogProbabilityTolerance = 0.4

        @Test(arguments: TestPaths.modelNames)
        func lastPositionLogitsMatchLlamaCpp(model: String) async throws {
            let engine = try await ModelFixtures.shared.engine(model)
            let golden = try TestPaths.goldenJSON(model, "logits.json")
            let prompts = try #require(golden["prompts"] as? [[String: Any]])
            var worstLogit = 0.0, worstLogProbability = 0.0, worstPrompt = 0.0
            for prompt in prompts {
                let tokens = try #require(prompt["prompt_tokens"] as? [Int])
                let logits = try await engine.lastLogits(tokens: tokens)
                let logSumExp = logits.withUnsafeBufferPointer { Sampler.logSumExp($0) }
                let goldenLogSumExp = try #require((prompt["logsumexp"] as? NSNumber)?.doubleValue)
                for (id, value) in try #require(prompt["top100"] as? [Any]).idValuePairs {
                    worstLogit = max(worstLogit, abs(Double(logits[id]) - value))
                    worstLogProbability = max(
                        worstLogProbability, abs((Double(logits[id]) - logSumExp) - (value - goldenLogSumExp)))
                }
                let goldenTop = try #require(prompt["top100"] as? [Any]).idValuePairs[0].0
                #expect(logits.withUnsafeBufferPointer { Sampler.argmax($0) } == goldenTop, "\(model): top-1 differs")
                let expected = try #require(prompt["prompt_logprobs"] as? [Double])
                let actual = try await engine.promptLogProbabilities(tokens: tokens)
                #expect(actual.count == expected.count)
                for (a, e) in zip(actual, expected) { worstPrompt = max(worstPrompt, abs(Double(a) - e)) }
            }
            print(
                "\(model): top-100 logits max diff \(worstLogit), logprob max diff \(worstLogProbability), prompt logprob max diff \(worstPrompt)"
            )
            #expect(
                worstLogProbability < Self.logProbabilityTolerance, "\(model): logprob max diff \(worstLogProbability)")
            #expect(
                worstPrompt < Self.promptLogProbabilityTolerance, "\(model): prompt logprob max diff \(worstPrompt)")
        }
    }
}
