import CompletionsAPI
import Foundation
import Generation
import Inference
import Observability
import Testing
import ThinkStreamTesting
import Tokenization

/// `POST /v1/completions` and friends against the real SmolLM2 engine.
@Suite(.serialized, .tags(.integration))
struct CompletionsServerTests {
    static let prompt = "The three primary colors are"

    @Test func greedyCompletionEqualsTheEnginesOwnTokenForToken() async throws {
        try await ServerFixture.withServer { base, _ in try await checkGreedy(base) }
    }

    private func checkGreedy(_ base: URL) async throws {
        let engine = try await ServerFixture.loadedEngine()
        let tokenizer = try #require(await engine.tokenizer)
        let tokens = tokenizer.encode(Self.prompt, addSpecial: true, parseSpecial: true)
        let expected = try #require(
            try await engine.generateAll([GenerationRequest(id: "g", prompt: .tokens(tokens), maxNewTokens: 24)]).first)
        let response = try await ServerFixture.complete(
            base, .init(prompt: .tokens(tokens), maxTokens: 24, temperature: 0, logprobs: 0))
        let choice = try #require(response.choices.first)
        #expect(choice.text == expected.text)
        #expect(
            choice.logprobs?.tokens == expected.tokens.map { String(decoding: tokenizer.piece(for: $0), as: UTF8.self) }
        )
        #expect(response.usage?.completionTokens == expected.tokens.count)
        #expect(response.usage?.promptTokens == tokens.count)
        #expect(choice.finishReason == (expected.finishReason == .length ? "length" : "stop"))
        let text = try await ServerFixture.complete(
            base, .init(prompt: .text(Self.prompt), maxTokens: 24, temperature: 0))
        #expect(text.choices.first?.text == expected.text, "a text prompt tokenizes as the engine does")
    }

    @Test func logprobsListTheChosenTokenAndSortedAlternatives() async throws {
        try await ServerFixture.withServer { base, _ in try await checkLogprobs(base) }
    }

    private func checkLogprobs(_ base: URL) async throws {
        let response = try await ServerFixture.complete(
            base, .init(prompt: .text(Self.prompt), maxTokens: 8, temperature: 0, logprobs: 5))
        let listing = try #require(response.choices.first?.logprobs)
        let top = try #require(listing.topLogprobs)
        #expect(listing.tokens.count == response.usage?.completionTokens)
        #expect(listing.tokenLogprobs.count == listing.tokens.count && top.count == listing.tokens.count)
        #expect(listing.textOffset == listing.tokens.indices.map { listing.tokens[..<$0].reduce(0) { $0 + $1.count } })
        for (position, value) in listing.tokenLogprobs.enumerated() {
            let chosen = try #require(value)
            let alternatives = try #require(top[position]).entries
            #expect(chosen <= 0)
            #expect((1...5).contains(alternatives.count))
            #expect(zip(alternatives, alternatives.dropFirst()).allSatisfy { $0.logProbability >= $1.logProbability })
            // Greedy: the chosen token is the most likely one.
            #expect(abs(alternatives[0].logProbability - chosen) < 1e-6, "position \(position)")
            #expect(alternatives[0].token == listing.tokens[position])
        }
    }

    @Test func echoScoresThePromptAsTheEngineDoes() async throws {
        try await ServerFixture.withServer { base, _ in try await checkEcho(base) }
    }

    private func checkEcho(_ base: URL) async throws {
        let engine = try await ServerFixture.loadedEngine()
        let tokenizer = try #require(await engine.tokenizer)
        let tokens = tokenizer.encode(
            "Photosynthesis turns light, water and carbon dioxide into sugar.", addSpecial: true)
        let expected = try await engine.promptLogProbabilities(tokens: tokens)
        let response = try await ServerFixture.complete(
            base, .init(prompt: .tokens(tokens), maxTokens: 0, logprobs: 0, echo: true))
        let listing = try #require(response.choices.first?.logprobs)
        #expect(listing.tokenLogprobs.count == tokens.count)
        #expect(listing.tokenLogprobs.first == .some(nil), "the first prompt token has no context")
        let scored = listing.tokenLogprobs.dropFirst().compactMap { $0 }
        #expect(scored.count == expected.count)
        let maxDifference = zip(scored, expected).map { abs($0 - $1) }.max() ?? 0
        print("echo vs engine.promptLogProbabilities: max |diff| \(maxDifference) over \(expected.count) tokens")
        #expect(maxDifference <= 1e-4)
        #expect(response.choices.first?.text == tokenizer.decode(tokens, unparseSpecial: true))
        #expect(response.usage?.completionTokens == 0)
    }

    @Test func streamedChunksAddUpToTheCompletionAndEndWithDone() async throws {
        try await ServerFixture.withServer { base, _ in try await checkStream(base) }
    }

    private func checkStream(_ base: URL) async throws {
        let request = CompletionRequest(prompt: .text(Self.prompt), maxTokens: 16, temperature: 0)
        let whole = try await ServerFixture.complete(base, request)
        var streamed = request
        streamed.stream = true
        let (status, body) = try await ServerFixture.post(base, body: try JSONEncoder().encode(streamed))
        #expect(status == 200)
        let events = String(decoding: body, as: UTF8.self).components(separatedBy: "\n\n").filter { !$0.isEmpty }
        #expect(events.last == "data: [DONE]")
        let chunks = try events.dropLast().map { event in
            try JSONDecoder().decode(CompletionResponse.self, from: Data(event.dropFirst("data: ".count).utf8))
        }
        #expect(chunks.map { $0.choices[0].text }.joined() == whole.choices[0].text)
        #expect(chunks.last?.choices[0].finishReason == whole.choices[0].finishReason)
        #expect(chunks.dropLast().allSatisfy { $0.choices[0].finishReason == nil })
    }

    @Test func modelsHealthAndMetricsAnswer() async throws {
        try await ServerFixture.withServer { base, _ in try await checkModelsAndMetrics(base) }
    }

    private func checkModelsAndMetrics(_ base: URL) async throws {
        let models = try await ServerFixture.get(base, "v1/models")
        #expect(models.status == 200)
        let list = try JSONDecoder().decode(ModelList.self, from: Data(models.text.utf8))
        #expect(list.data.map(\.id) == [ServerFixture.modelName])
        #expect(try await ServerFixture.get(base, "health").text == "ok")
        _ = try await ServerFixture.complete(base, .init(prompt: .text("Hi"), maxTokens: 2, temperature: 0))
        _ = try await ServerFixture.post(base, body: Data(#"{"prompt": "Hi", "max_tokens": -1}"#.utf8))
        let scrape = try await ServerFixture.get(base, "metrics")
        #expect(scrape.status == 200)
        let (samples, problems) = PrometheusTextChecker.parse(scrape.text)
        #expect(problems.isEmpty, "\(problems)")
        #expect(samples.allSatisfy { $0.name.hasPrefix("thinkstream_serve_") }, "\(samples.map(\.name))")
        let requests = samples.filter {
            $0.name == "thinkstream_serve_requests_total" && $0.labels["route"] == "completions"
        }
        #expect(requests.first { $0.labels["status"] == "2xx" }?.value == 1)
        #expect(requests.first { $0.labels["status"] == "4xx" }?.value == 1)
        #expect((samples.first { $0.name == "thinkstream_serve_generated_tokens_total" }?.value ?? 0) >= 1)
    }

    /// Bad bodies and the field each 400 must name.
    static let badRequests: [(body: String, field: String)] = [
        (#"{"max_tokens": 4}"#, "prompt"),
        (#"{"prompt": 5}"#, "prompt"),
        (#"{"prompt": "x", "max_tokens": -1}"#, "max_tokens"),
        (#"{"prompt": "x", "max_tokens": "many"}"#, "max_tokens"),
        (#"{"prompt": "x", "temperature": -0.5}"#, "temperature"),
        (#"{"prompt": "x", "top_p": 0}"#, "top_p"),
        (#"{"prompt": "x", "n": 2}"#, "n"),
        (#"{"prompt": "x", "logprobs": 99}"#, "logprobs"),
        (#"{"prompt": [999999]}"#, "prompt"),
        (#"{"prompt": "x", "max_tokens": 0}"#, "max_tokens"),
        (#"{"prompt": "x", "stream": true, "logprobs": 1}"#, "logprobs"),
        (#"{"prompt": "x", "presence_penalty": 3}"#, "presence_penalty"),
        (#"{"prompt": "x", "repetition_penalty": 0}"#, "repetition_penalty"),
        (#"{"prompt": "x", "no_repeat_ngram_size": 1}"#, "no_repeat_ngram_size"),
        ("not json", "body"),
    ]

    @Test func badRequestsAnswer400NamingTheField() async throws {
        try await ServerFixture.withServer { base, _ in try await checkBadRequests(base) }
    }

    private func checkBadRequests(_ base: URL) async throws {
        for (body, field) in Self.badRequests {
            let (status, data) = try await ServerFixture.post(base, body: Data(body.utf8))
            #expect(status == 400, "\(body)")
            let error = try JSONDecoder().decode(CompletionsErrorBody.self, from: data).error
            #expect(error.type == "invalid_request_error", "\(body)")
            #expect(error.message.hasPrefix(field), "\(body): \(error.message)")
        }
        let (status, data) = try await ServerFixture.post(base, body: Data(#"{"prompt": "x", "model": "gpt-9"}"#.utf8))
        #expect(status == 404)
        #expect(try JSONDecoder().decode(CompletionsErrorBody.self, from: data).error.message.contains("gpt-9"))
    }
}

extension CompletionsServerTests {
    @Test func oneGreedyTokenWithLogprobsEqualsGeneratingIt() async throws {
        try await ServerFixture.withServer { base, _ in try await checkSingleToken(base) }
    }

    private func checkSingleToken(_ base: URL) async throws {
        let engine = try await ServerFixture.loadedEngine()
        let tokenizer = try #require(await engine.tokenizer)
        for text in [Self.prompt, "<|im_start|>user\nSay hi<|im_end|>\n<|im_start|>assistant\nHi!"] {
            let tokens = tokenizer.encode(text, addSpecial: true, parseSpecial: true)
            let expected = try #require(
                try await engine.generateAll([
                    GenerationRequest(id: "g", prompt: .tokens(tokens), maxNewTokens: 1, includeLogProbabilities: true)
                ]).first)
            let response = try await ServerFixture.complete(
                base, .init(prompt: .tokens(tokens), maxTokens: 1, temperature: 0, logprobs: 3, echo: true))
            let choice = try #require(response.choices.first)
            let listing = try #require(choice.logprobs)
            #expect(choice.text == tokenizer.decode(tokens, unparseSpecial: true) + expected.text)
            #expect(listing.tokens.last == String(decoding: tokenizer.piece(for: expected.tokens[0]), as: UTF8.self))
            #expect(listing.tokens.count == tokens.count + 1)
            let chosen = try #require(listing.tokenLogprobs.last ?? nil)
            #expect(abs(chosen - (expected.tokenLogProbabilities?.first ?? 1)) <= 1e-4)
            #expect(choice.finishReason == (expected.finishReason == .length ? "length" : "stop"))
            let prompt = try await engine.promptLogProbabilities(tokens: tokens)
            let echoed = listing.tokenLogprobs.dropFirst().dropLast().compactMap { $0 }
            #expect(zip(echoed, prompt).allSatisfy { abs($0 - $1) <= 1e-4 } && echoed.count == prompt.count)
        }
    }
}

extension CompletionsServerTests {
    @Test func aBatchOfPromptsGetsOneChoiceEachInOrder() async throws {
        try await ServerFixture.withServer { base, _ in try await checkBatch(base) }
    }

    private func checkBatch(_ base: URL) async throws {
        let prompts = [Self.prompt, "Once upon a time"]
        let batch = try await ServerFixture.complete(
            base, .init(prompt: .texts(prompts), maxTokens: 8, temperature: 0))
        #expect(batch.choices.map(\.index) == [0, 1])
        for (index, prompt) in prompts.enumerated() {
            let single = try await ServerFixture.complete(
                base, .init(prompt: .text(prompt), maxTokens: 8, temperature: 0))
            #expect(batch.choices[index].text == single.choices[0].text, "prompt \(index)")
        }
        let seeded = CompletionRequest(prompt: .text(Self.prompt), maxTokens: 8, temperature: 0.8, seed: 7)
        let first = try await ServerFixture.complete(base, seeded)
        let second = try await ServerFixture.complete(base, seeded)
        #expect(first.choices[0].text == second.choices[0].text, "the same seed samples the same tokens")
    }
}
