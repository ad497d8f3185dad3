import Foundation
import Generation
import Inference
import Testing

extension ModelTests {
    /// Continuous batching gives each sequence the same tokens as running it alone.
    @Suite(.serialized)
    struct BatchingTests {
        static let prompts = [
            "The capital of France is", "Once upon a time", "def fibonacci(n):", "The quick brown fox",
            "In 1492, Columbus", "Water boils at", "My favourite colour is", "import numpy as np\n",
        ]

        @Test
        func eightConcurrentSequencesEqualOneAtATime() async throws {
            let engine = try await ModelFixtures.shared.engine(TestPaths.smolLM2)
            let requests = Self.prompts.enumerated().map {
                GenerationRequest(id: "p\($0.offset)", prompt: .text($0.element), maxNewTokens: 12 + $0.offset)
            }
            var alone: [GenerationResult] = []
            for request in requests { alone += try await engine.generateAll([request]) }
            let together = try await engine.generateAll(requests)
            #expect(together.map(\.tokens) == alone.map(\.tokens))
            #expect(together.map(\.text) == alone.map(\.text))
            #expect(together.map(\.finishReason) == alone.map(\.finishReason))
        }

        /// Long prompts prefilled in one pass or in small chunks beside other sequences give the same tokens.
        @Test
        func chunkedLongPromptsEqualOnePassPrefill() async throws {
            let whole = try await ModelFixtures.shared.engine(TestPaths.smolLM2)
            let chunked = InferenceEngine(
                configuration: InferenceConfiguration(contextTokens: 1024, maxBatchTokens: 37))
            try await chunked.load(path: try TestPaths.modelPath(TestPaths.smolLM2))
            let text = String(repeating: "The river carries silt to the delta, where it settles in layers. ", count: 8)
            let requests = (0..<3).map {
                GenerationRequest(
                    id: "long\($0)", prompt: .text("\($0): " + text), maxNewTokens: 10,
                    sampling: SamplingParameters(temperature: 0.6, topP: 0.9, seed: UInt64($0)))
            }
            var alone: [GenerationResult] = []
            for request in requests { alone += try await whole.generateAll([request]) }
            let together = try await chunked.generateAll(requests)
            #expect(alone.allSatisfy { $0.promptTokenCount > 100 })
            #expect(together.map(\.tokens) == alone.map(\.tokens))
        }

        @Test
        func requestsJoiningMidwayEqualOneAtATime() async throws {
            let engine = try await ModelFixtures.shared.engine(TestPaths.smolLM2)
            let first = GenerationRequest(id: "first", prompt: .text("Once upon a time"), maxNewTokens: 20)
            let second = GenerationRequest(id: "second", prompt: .text("The quick brown fox"), maxNewTokens: 10)
            let aloneFirst = try await engine.generateAll([first])[0]
            let aloneSecond = try await engine.generateAll([second])[0]
            let stream = try await engine.generate([first])
            let late = try await engine.generateAll([second])[0]
            var joined: GenerationResult?
            for await event in stream { if case .finished(let result) = event { joined = result } }
            #expect(joined?.tokens == aloneFirst.tokens)
            #expect(late.tokens == aloneSecond.tokens)
        }

        @Test
        func streamedTokensAndTextAddUpToTheResult() async throws {
            let engine = try await ModelFixtures.shared.engine(TestPaths.smolLM2)
            let request = GenerationRequest(
                id: "s", prompt: .text("The capital of France is"), maxNewTokens: 16, includeLogProbabilities: true)
            var tokens: [Int] = []
            var text = ""
            var result: GenerationResult?
            for await event in try await engine.generate([request]) {
                switch event {
                case .token(_, let token, let piece, let logProbability):
                    tokens.append(token)
                    text += piece
                    #expect(logProbability != nil)
                case .finished(let finished): result = finished
                }
            }
            #expect(result?.tokens == tokens)
            #expect(result?.text == text)
            #expect(result?.tokenLogProbabilities?.count == tokens.count)
            #expect(result?.finishReason == .length)
        }

        @Test
        func sampledGenerationIsReproducibleFromTheSeed() async throws {
            let engine = try await ModelFixtures.shared.engine(TestPaths.smolLM2)
            let sampling = SamplingParameters(temperature: 0.9, topK: 40, topP: 0.95, minP: 0.05, seed: 1234)
            let request = GenerationRequest(
                id: "r", prompt: .text("Once upon a time"), maxNewTokens: 24, sampling: sampling)
            let a = try await engine.generateAll([request])[0]
            let b = try await engine.generateAll([
                request, GenerationRequest(id: "other", prompt: .text("Hi"), maxNewTokens: 5),
            ])[0]
            #expect(a.tokens == b.tokens)
        }
    }
}
