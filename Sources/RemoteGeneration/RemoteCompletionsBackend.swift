import CompletionsAPI
import Foundation
import Generation
import Tokenization

/// A ``GenerationBackend`` that calls an OpenAI-compatible `POST /v1/completions` server (vLLM, SGLang,
/// llama.cpp's server, `thinkstream serve`), so a fleet's GPU servers generate while ThinkStream streams, scores,
/// shards and commits exactly once.
///
/// Prompts travel as token ids, which must mean the same text on the server: the server must run a model with the
/// local tokenizer (``connect(configuration:tokenizer:)`` checks this once). From the server's answers:
/// - generation: `choices[0].text`; `finish_reason` `length` is `.length`, `stop` is `.stop` when the server names
///   the stop string (vLLM's `stop_reason`), else `.eog`; `tokens` is the text re-tokenized locally (the API
///   returns no ids);
/// - prompt log-probabilities: `echo` with `logprobs: 0` and `max_tokens: 1`;
/// - candidate log-probabilities: the `top_logprobs` of a 1-token greedy completion, `-infinity` for a candidate
///   outside the top ``RemoteCompletionsConfiguration/candidateTopCount``.
public final class RemoteCompletionsBackend: GenerationBackend {
    /// The server's settings.
    public let configuration: RemoteCompletionsConfiguration
    /// The model name sent with each request.
    public let model: String
    /// The local tokenizer the server must share.
    public let tokenizer: Tokenizer
    private let client: CompletionsHTTPClient

    private init(
        configuration: RemoteCompletionsConfiguration, model: String, tokenizer: Tokenizer,
        client: CompletionsHTTPClient
    ) {
        self.configuration = configuration
        self.model = model
        self.tokenizer = tokenizer
        self.client = client
    }

    /// Validates the configuration, names the model (asking `GET /v1/models` when none is given) and checks that the
    /// server tokenizes like `tokenizer`.
    ///
    /// - Throws: `RemoteGenerationError` `.invalidConfiguration`, `.unreachable`, `.httpStatus`,
    ///   `.malformedResponse` (also when the server lists no model), `.tokenizerMismatch`.
    public static func connect(configuration: RemoteCompletionsConfiguration, tokenizer: Tokenizer) async throws
        -> RemoteCompletionsBackend
    {
        try configuration.validate()
        let client = CompletionsHTTPClient(configuration: configuration)
        var model = configuration.model
        if model == nil {
            let list = try await client.get("v1/models", as: ModelList.self)
            guard let first = list.data.first else {
                throw RemoteGenerationError(
                    .malformedResponse,
                    "GET \(configuration.baseURL.absoluteString)/v1/models lists no model; pass --generator-model")
            }
            model = first.id
        }
        let backend = RemoteCompletionsBackend(
            configuration: configuration, model: model!, tokenizer: tokenizer, client: client)
        try await backend.checkTokenizer()
        return backend
    }

    public func generateAll(_ requests: [GenerationRequest]) async throws -> [GenerationResult] {
        try await withThrowingTaskGroup(of: (Int, GenerationResult).self) { group in
            for (index, request) in requests.enumerated() {
                group.addTask { (index, try await self.generate(request)) }
            }
            var results = [GenerationResult?](repeating: nil, count: requests.count)
            for try await (index, result) in group { results[index] = result }
            return results.map { $0! }
        }
    }

    public func promptLogProbabilities(tokens: [Int]) async throws -> [Float] {
        guard tokens.count > 1 else { return [] }
        let logProbabilities = try await echoedLogProbabilities(tokens: tokens)
        return try (1..<tokens.count).map { index in
            guard let value = logProbabilities[index] else {
                throw malformed("token_logprobs[\(index)] is null; the server must score echoed prompt tokens")
            }
            return value
        }
    }

    public func nextTokenLogProbabilities(tokens: [Int], candidates: [Int]) async throws -> [Float] {
        let request = CompletionRequest(
            model: model, prompt: .tokens(tokens), maxTokens: 1, temperature: 0,
            logprobs: configuration.candidateTopCount)
        let response = try await complete(request)
        guard let top = response.choices.first?.logprobs?.topLogprobs?.first ?? nil else {
            throw malformed("no top_logprobs for the first generated token; the server must support logprobs")
        }
        return candidates.map { candidate in
            top[String(decoding: tokenizer.piece(for: candidate), as: UTF8.self)] ?? -.infinity
        }
    }

    /// One request as one completion.
    private func generate(_ request: GenerationRequest) async throws -> GenerationResult {
        let sampling = request.sampling
        let wantsLogProbabilities = request.includeLogProbabilities || request.includePromptLogProbabilities
        let body = CompletionRequest(
            model: model, prompt: completionPrompt(request.prompt), maxTokens: request.maxNewTokens,
            temperature: Self.decimal(sampling.temperature), topP: Self.decimal(sampling.topP),
            topK: sampling.topK == 0 ? nil : sampling.topK,
            minP: sampling.minP == 0 ? nil : Self.decimal(sampling.minP),
            seed: Int64(bitPattern: sampling.seed), stop: request.stopStrings.isEmpty ? nil : request.stopStrings,
            logprobs: wantsLogProbabilities ? 0 : nil, echo: request.includePromptLogProbabilities ? true : nil,
            presencePenalty: sampling.presencePenalty == 0 ? nil : Self.decimal(sampling.presencePenalty),
            frequencyPenalty: sampling.frequencyPenalty == 0 ? nil : Self.decimal(sampling.frequencyPenalty),
            repetitionPenalty: sampling.repetitionPenalty == 1 ? nil : Self.decimal(sampling.repetitionPenalty),
            noRepeatNgramSize: sampling.noRepeatNGramTokens == 0 ? nil : sampling.noRepeatNGramTokens)
        let response = try await complete(body)
        guard let choice = response.choices.first else { throw malformed("the response has no choices") }
        let promptTokenCount: Int
        switch request.prompt {
        case .tokens(let ids): promptTokenCount = ids.count
        case .text(let text):
            promptTokenCount =
                response.usage?.promptTokens ?? tokenizer.encode(text, addSpecial: true, parseSpecial: true).count
        }
        var text = choice.text
        var promptLogProbabilities: [Float]?
        var tokenLogProbabilities: [Float]?
        if let values = choice.logprobs?.tokenLogprobs, wantsLogProbabilities {
            let promptCount = request.includePromptLogProbabilities ? promptTokenCount : 0
            guard values.count >= promptCount else {
                throw malformed("token_logprobs is shorter than the echoed prompt")
            }
            if request.includePromptLogProbabilities {
                promptLogProbabilities = values.prefix(promptCount).dropFirst().map { $0 ?? -.infinity }
                let offset = choice.logprobs?.textOffset.dropFirst(promptCount).first ?? text.count
                text = String(text.dropFirst(min(offset, text.count)))
            }
            if request.includeLogProbabilities {
                tokenLogProbabilities = values.dropFirst(promptCount).map { $0 ?? -.infinity }
            }
        }
        return GenerationResult(
            id: request.id, text: text, tokens: tokenizer.encode(text, addSpecial: false, parseSpecial: false),
            finishReason: Self.finishReason(choice, stopStrings: request.stopStrings),
            promptTokenCount: promptTokenCount, tokenLogProbabilities: tokenLogProbabilities,
            promptLogProbabilities: promptLogProbabilities)
    }

    /// `token_logprobs` of `tokens` echoed back (index 0 is null).
    func echoedLogProbabilities(tokens: [Int]) async throws -> [Float?] {
        let request = CompletionRequest(
            model: model, prompt: .tokens(tokens), maxTokens: 1, temperature: 0, logprobs: 0, echo: true)
        let response = try await complete(request)
        guard let values = response.choices.first?.logprobs?.tokenLogprobs, values.count >= tokens.count else {
            throw malformed(
                "echo with logprobs returned fewer than the \(tokens.count) prompt tokens; the server must support echo"
            )
        }
        return values
    }

    /// The echoed token texts of `tokens`.
    func echoedTokenTexts(tokens: [Int]) async throws -> [String] {
        let request = CompletionRequest(
            model: model, prompt: .tokens(tokens), maxTokens: 1, temperature: 0, logprobs: 0, echo: true)
        let response = try await complete(request)
        guard let texts = response.choices.first?.logprobs?.tokens, texts.count >= tokens.count else {
            throw malformed(
                "echo with logprobs returned fewer than the \(tokens.count) prompt tokens; the server must support echo"
            )
        }
        return Array(texts.prefix(tokens.count))
    }

    private func complete(_ request: CompletionRequest) async throws -> CompletionResponse {
        try await client.post("v1/completions", request, as: CompletionResponse.self)
    }

    private func completionPrompt(_ prompt: GenerationRequest.Prompt) -> CompletionPrompt {
        switch prompt {
        case .text(let text): .text(text)
        case .tokens(let ids): .tokens(ids)
        }
    }

    private func malformed(_ reason: String) -> RemoteGenerationError {
        RemoteGenerationError(
            .malformedResponse,
            "POST \(configuration.baseURL.absoluteString)/v1/completions (model '\(model)'): \(reason)")
    }

    static func finishReason(_ choice: CompletionChoice, stopStrings: [String]) -> FinishReason {
        switch choice.finishReason {
        case "length": .length
        case "stop" where choice.stopReason.map(stopStrings.contains) == true: .stop
        default: .eog
        }
    }

    /// A Float setting as the decimal it was written as (0.6, not 0.6000000238418579).
    static func decimal(_ value: Float) -> Double { Double(String(value)) ?? Double(value) }
}
