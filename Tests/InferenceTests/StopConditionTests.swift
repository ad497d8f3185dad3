import Foundation
import Generation
import Inference
import Tokenization
import Testing
extension ModelTests {

    @Suite(.serialized)
    struct StopConditionTests {
        @Test
        func stopStringSpanningTokensEndsGenerationAndIsRemoved() async throws {
            let engine = try await ModelFixtures.shared.engine(TestPaths.smolLM2)
            let prompt = GenerationRequest.Prompt.text("The capital of France is")
            let free = try await engine.generateAll([GenerationRequest(id: "free", prompt: prompt, maxNewTokens: 24)])[
                0]
            let tokenizer = try #require(await engine.tokenizer)
            // A stop string made of the end of token 2 and the start of token 3.
            let piece2 = tokenizer.decode([free.tokens[1]]), piece3 = tokenizer.decode([free.tokens[2]])
            let stop = String(piece2.suffix(2)) + String(piece3.prefix(2))
            let cut = try #require(free.text.range(of: stop))
            let stopped = try await engine.generateAll([
                GenerationRequest(id: "stopped", prompt: prompt, maxNewTokens: 24, stopStrings: [stop])
            ])[0]
            #expect(stopped.finishReason == .stop)
            #expect(stopped.text == String(free.text[..<cut.lowerBound]))
            #expect(stopped.tokens == Array(free.tokens.prefix(stopped.tokens.count)))
            #expect(stopped.tokens.count == 3)
        }

        @Test
        func endOfGenerationTokenEndsWithEog() async throws {
            let engine = try await ModelFixtures.shared.engine(TestPaths.smolLM2)
            let prompt = "<|im_start|>user\nSay hi.<|im_end|>\n<|im_start|>assistant\n"
            let result = try await engine.generateAll([
                GenerationRequest(id: "chat", prompt: .text(prompt), maxNewTokens: 64)
            ])[0]
            #expect(result.finishReason == .eog)
            let tokenizer = try #require(await engine.tokenizer)
            #expect(tokenizer.isEndOfGeneration(try #require(result.tokens.last)))
            #expect(!result.text.contains("<|im_end|>"))
        }

        @Test
        func maxNewTokensEndsWithLength() async throws {
            let engine = try await ModelFixtures.shared.engine(TestPaths.smolLM2)
            let result = try await engine.generateAll([
                GenerationRequest(
                    id: "l", prompt: .text("Once upon a time"), maxNewTokens: 5, stopAtEndOfGeneration: false)
            ])[0]
            #expect(result.finishReason == .length)
            #expect(result.tokens.count == 5)
        }

        @Test
        func promptLogProbabilitiesComeWithGeneration() async throws {
            let engine = try await ModelFixtures.shared.engine(TestPaths.smolLM2)
            let text = "The quick brown fox jumps over the lazy dog"
            let direct = try await engine.promptLogProbabilities(text)
            let result = try await engine.generateAll([
                GenerationRequest(id: "p", prompt: .text(text), maxNewTokens: 1, includePromptLogProbabilities: true)
            ])[0]
            #expect(result.promptLogProbabilities == direct)
            #expect(direct.count == result.promptTokenCount - 1)
        }
    }
}
