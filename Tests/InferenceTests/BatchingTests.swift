import Foundation
import Generation
import Inference
import Testing
import Tokenization

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

        /// Requests that share a prompt prefix copy its keys and values from the request admitted first instead of
        /// prefilling them, and decode exactly the greedy tokens they decode with sharing off: three trajectories of
        /// one document prompt, and a fourth prompt that shares only the document. (Sampled tokens can differ in the
        /// last bits of the logits either way, as they do between batch compositions.)
        @Test
        func sharedPromptPrefixesAreCopiedNotPrefilledAndChangeNoToken() async throws {
            let path = try TestPaths.modelPath(TestPaths.smolLM2)
            let sharing = InferenceEngine(configuration: InferenceConfiguration(contextTokens: 1024))
            let separate = InferenceEngine(
                configuration: InferenceConfiguration(contextTokens: 1024, sharesPromptPrefixes: false))
            try await sharing.load(path: path)
            try await separate.load(path: path)
            let document = String(
                repeating: "The river carries silt to the delta, where it settles in layers. ", count: 6)
            let prompts = [document + "Think it through:", document + "Now a different question: why?"]
            let requests =
                (0..<3).map {
                    GenerationRequest(id: "trajectory\($0)", prompt: .text(prompts[0]), maxNewTokens: 12 + 4 * $0)
                } + [GenerationRequest(id: "other", prompt: .text(prompts[1]), maxNewTokens: 16)]
            let shared = try await sharing.generateAll(requests)
            let alone = try await separate.generateAll(requests)
            #expect(shared.map(\.tokens) == alone.map(\.tokens))
            #expect(shared.map(\.text) == alone.map(\.text))

            let tokenizer = try #require(await sharing.tokenizer)
            let encoded = prompts.map { tokenizer.encode($0, addSpecial: true, parseSpecial: true) }
            let common = zip(encoded[0], encoded[1]).prefix { $0 == $1 }.count
            let (n, m) = (encoded[0].count, encoded[1].count)
            #expect(common >= 60 && common < m - 1, "the document is the common prefix: \(common) of \(n) and \(m)")
            #expect(await separate.promptTokenUsage == PromptTokenUsage(prefilled: 3 * n + m, shared: 0))
            // The first prefills its prompt; its twins copy all but their last token; the other copies the document.
            #expect(
                await sharing.promptTokenUsage
                    == PromptTokenUsage(prefilled: n + 2 + (m - common), shared: 2 * (n - 1) + common))
        }

        /// A finished request's cache stays as a donor while its slot is free: the same prompt submitted after it
        /// finished (a re-generated trajectory) copies all but its last token and decodes the same greedy tokens.
        /// Retained caches count against `maxSequences`: two other requests running in the two slots evict it.
        @Test
        func finishedRequestsLendTheirPromptWhileTheirSlotIsFree() async throws {
            let path = try TestPaths.modelPath(TestPaths.smolLM2)
            let engine = InferenceEngine(configuration: InferenceConfiguration(contextTokens: 1024, maxSequences: 2))
            let separate = InferenceEngine(
                configuration: InferenceConfiguration(contextTokens: 1024, sharesPromptPrefixes: false))
            try await engine.load(path: path)
            try await separate.load(path: path)
            let prompt =
                String(repeating: "Glaciers grind rock into flour that rivers carry to the sea. ", count: 5)
                + "Think it through:"
            let tokenizer = try #require(await engine.tokenizer)
            let n = tokenizer.encode(prompt, addSpecial: true, parseSpecial: true).count
            func request(_ id: String, _ text: String = prompt) -> GenerationRequest {
                GenerationRequest(id: id, prompt: .text(text), maxNewTokens: 12)
            }

            let first = try await engine.generateAll([request("first")])
            #expect(await engine.promptTokenUsage == PromptTokenUsage(prefilled: n, shared: 0))
            #expect(await engine.retainedPromptCaches.count == 1)
            #expect(await engine.retainedPromptCaches.bytes > 0)
            let again = try await engine.generateAll([request("again")])
            #expect(await engine.promptTokenUsage == PromptTokenUsage(prefilled: n + 1, shared: n - 1))
            let alone = try await separate.generateAll([request("alone")])
            #expect(first.map(\.tokens) == alone.map(\.tokens))
            #expect(again.map(\.tokens) == alone.map(\.tokens))

            let others = [
                "Bees dance to tell the hive how far and in which direction the flowers are that they found today.",
                "A compiler turns source text into tokens, then a tree, then instructions a processor can run fast.",
            ]
            _ = try await engine.generateAll(others.enumerated().map { request("other\($0.offset)", $0.element) })
            #expect(await engine.retainedPromptCaches.count == 2)
            let before = await engine.promptTokenUsage
            _ = try await engine.generateAll([request("evicted")])
            let after = await engine.promptTokenUsage
            #expect(after.prefilled - before.prefilled == n && after.shared == before.shared)
        }
    }
}
