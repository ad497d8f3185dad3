import Foundation
import Generation
import Inference
import Testing

extension ModelTests {
    /// Greedy continuations against llama.cpp (greedy.json), all 13 prompts of a model decoded as one batch.
    ///
    /// Rule (the golden README's): walk the steps; at the first step where the engine's token differs, accept the
    /// prompt if llama.cpp's own top1-top2 gap there is below ``margin`` and the engine's token is in the golden top-5,
    /// then stop comparing (later tokens follow a different prefix).
    @Suite(.serialized)
    struct GoldenGreedyTests {
        /// Largest golden top1-top2 gap at which a different token is accepted. The engine quantizes activations as
        /// ggml does, but not every last bit of llama.cpp's attention; its log-probabilities differ by up to ~0.4
        /// (GoldenLogitsTests), so near-ties can flip.
        static let margin = 0.5

        @Test(arguments: TestPaths.modelNames)
        func greedyContinuationsMatchLlamaCpp(model: String) async throws {
            try await Self.compare(model, golden: try TestPaths.goldenJSON(model, "greedy.json"))
        }

        /// Qwen2.5-Coder-1.5B-Instruct Q4_K_M, augment's default generator: the shared golden set has no file for it,
        /// so `Reference/qwen15b_greedy.py` made one with llama.cpp (llama-cpp-python 0.3.36, 2 threads) on the 0.5B's
        /// 13 prompts (the same tokenizer).
        @Test func greedyContinuationsOfTheDefaultGeneratorMatchLlamaCpp() async throws {
            var golden = try TestPaths.json(
                at: TestPaths.packageRoot.appendingPathComponent(
                    "Tests/InferenceTests/Reference/qwen2.5-coder-1.5b-greedy.json"))
            // The prompts' token ids come from the shared golden file, by id (they are not copied into the repository).
            let shared = try #require(
                try TestPaths.goldenJSON(TestPaths.qwen2, "greedy.json")["prompts"] as? [[String: Any]])
            var promptTokens: [String: [Int]] = [:]
            for prompt in shared {
                if let id = prompt["id"] as? String, let tokens = prompt["prompt_tokens"] as? [Int] {
                    promptTokens[id] = tokens
                }
            }
            var prompts = try #require(golden["prompts"] as? [[String: Any]])
            for index in prompts.indices {
                let id = try #require(prompts[index]["id"] as? String)
                let tokens = try #require(promptTokens[id], "prompt \(id) is not in the shared golden file")
                let count = try #require(prompts[index]["prompt_token_count"] as? Int)
                #expect(tokens.count == count, "prompt \(id) has \(tokens.count) tokens; llama.cpp was given \(count)")
                prompts[index]["prompt_tokens"] = tokens
            }
            golden["prompts"] = prompts
            try await Self.compare(TestPaths.qwen15B, golden: golden)
        }

        static func compare(_ model: String, golden: [String: Any]) async throws {
            let engine = try await ModelFixtures.shared.engine(model)
            let prompts = try #require(golden["prompts"] as? [[String: Any]])
            let requests = try prompts.map { prompt in
                let expected = try #require(prompt["generated_tokens"] as? [Int])
                return GenerationRequest(
                    id: try #require(prompt["id"] as? String),
                    prompt: .tokens(try #require(prompt["prompt_tokens"] as? [Int])),
                    maxNewTokens: expected.count)
            }
            let results = try await engine.generateAll(requests)
            var fullMatches = 0
            var notes: [String] = []
            for (prompt, result) in zip(prompts, results) {
                let expected = prompt["generated_tokens"] as! [Int]
                let steps = prompt["steps"] as! [[String: Any]]
                guard
                    let step = zip(result.tokens, expected).enumerated().first(where: { $0.element.0 != $0.element.1 })?
                        .offset
                else {
                    #expect(result.tokens == expected, "\(model) \(result.id): lengths differ")
                    if result.tokens == expected { fullMatches += 1 }
                    if (prompt["finish_reason"] as? String) == "eog" { #expect(result.finishReason == .eog) }
                    continue
                }
                let gap = (steps[step]["top1_top2_gap"] as! NSNumber).doubleValue
                let top5 = (steps[step]["top5"] as! [Any]).idValuePairs.map(\.0)
                notes.append("\(result.id): differs at step \(step) (golden gap \(String(format: "%.4f", gap)))")
                #expect(
                    gap < margin, "\(model) \(result.id): differs at step \(step) where llama.cpp's gap is \(gap)")
                #expect(
                    top5.contains(result.tokens[step]),
                    "\(model) \(result.id): token \(result.tokens[step]) not in golden top-5")
            }
            print(
                "\(model): greedy \(fullMatches)/\(prompts.count) prompts identical for all steps; \(notes.joined(separator: "; "))"
            )
        }
    }
}
