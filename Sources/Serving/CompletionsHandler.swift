import CompletionsAPI
import Foundation
import Generation
import Inference
import Observability
import Tokenization

/// Answers completions requests with the in-process engine: concurrent requests join its continuous batch;
/// `logprobs` and `echo` come from one extra scoring pass over prompt and completion.
public struct CompletionsHandler: Sendable {
    /// The engine, with the served model loaded.
    public let engine: InferenceEngine
    /// The served model's tokenizer.
    public let tokenizer: Tokenizer
    /// The name `/v1/models` lists and requests may give as `model`.
    public let modelName: String
    /// Context positions per sequence.
    public let contextTokens: Int
    /// Seconds since 1970 when the model was loaded.
    public let created: Int
    let metrics: ServeMetrics?

    /// Creates a handler for an engine that has loaded its model.
    ///
    /// - Parameters:
    ///   - modelName: the served name (default: the model file's name without `.gguf`).
    ///   - metrics: where to count requests and tokens, if anywhere.
    /// - Throws: `ServingError.engineFailure` when the engine has no model loaded.
    public init(engine: InferenceEngine, modelName: String, metrics: ServeMetrics? = nil) async throws {
        guard let tokenizer = await engine.tokenizer, let hyperparameters = await engine.hyperparameters else {
            throw ServingError(.engineFailure, "the engine has no model loaded; call InferenceEngine.load(path:) first")
        }
        self.engine = engine
        self.tokenizer = tokenizer
        self.modelName = modelName
        contextTokens = min(await engine.configuration.contextTokens, hyperparameters.trainedContextLength)
        created = Int(Date().timeIntervalSince1970)
        self.metrics = metrics
    }

    /// `GET /v1/models`.
    public var models: ModelList {
        ModelList(data: [.init(id: modelName, created: created, ownedBy: "thinkstream")])
    }

    /// Checks `request` against the served model.
    ///
    /// - Throws: `ServingError` `.invalidRequest` naming the field, `.modelNotFound`.
    func plan(_ request: CompletionRequest) throws -> CompletionPlan {
        if let model = request.model, model != modelName {
            throw ServingError(
                .modelNotFound, "model '\(model)' is not served here; this server serves '\(modelName)'",
                parameter: "model")
        }
        return try CompletionPlan(
            request, tokenizer: tokenizer, contextTokens: contextTokens,
            vocabularySize: tokenizer.vocabulary.tokens.count)
    }

    /// Generates (unless `max_tokens` is 0; one greedy token with `logprobs` comes from the scoring pass alone) and
    /// returns the whole response.
    ///
    /// - Throws: `ServingError` `.invalidRequest` for what the engine refuses, `.engineFailure` otherwise.
    func complete(_ plan: CompletionPlan, id: String) async throws -> CompletionResponse {
        var outcomes: [(result: GenerationResult, scored: [ScoredToken]?)] = []
        if plan.isSingleGreedyTokenWithLogProbabilities {
            for index in plan.prompts.indices { outcomes.append(try await singleGreedyToken(plan, index: index)) }
        } else if plan.maxTokens == 0 {
            outcomes = plan.prompts.enumerated().map {
                let result = GenerationResult(
                    id: "\($0.offset)", text: "", tokens: [], finishReason: .length, promptTokenCount: $0.element.count)
                return (result, nil)
            }
        } else {
            let results = try await Self.engineCall { try await engine.generateAll(generationRequests(plan)) }
            outcomes = results.map { ($0, nil) }
        }
        var choices: [CompletionChoice] = []
        for (index, (result, scored)) in outcomes.enumerated() {
            var logProbabilities: CompletionLogProbabilities?
            if let topCount = plan.topLogProbabilities {
                let prompt = plan.prompts[index]
                var positions = scored ?? []
                if scored == nil {
                    positions = try await scoring(
                        prompt: prompt, generated: result.tokens, echo: plan.echo, topCount: topCount)
                }
                logProbabilities = listing(
                    prompt: prompt, generated: result.tokens, scored: positions, echo: plan.echo, topCount: topCount)
            }
            let (finish, stopReason) = finishReason(result, stopStrings: plan.stopStrings)
            choices.append(
                CompletionChoice(
                    text: (plan.echo ? plan.promptTexts[index] : "") + result.text, index: index,
                    logprobs: logProbabilities, finishReason: finish, stopReason: stopReason))
        }
        let usage = CompletionUsage(
            promptTokens: plan.prompts.reduce(0) { $0 + $1.count },
            completionTokens: outcomes.reduce(0) { $0 + $1.result.tokens.count })
        metrics?.tokens(prompt: usage.promptTokens, generated: usage.completionTokens)
        return CompletionResponse(
            id: id, created: Int(Date().timeIntervalSince1970), model: modelName, choices: choices, usage: usage)
    }

    /// One engine request per prompt, with ids `0`, `1`, ...
    func generationRequests(_ plan: CompletionPlan) -> [GenerationRequest] {
        plan.prompts.enumerated().map { index, tokens in
            GenerationRequest(
                id: "\(index)", prompt: .tokens(tokens), maxNewTokens: plan.maxTokens, sampling: plan.sampling,
                stopStrings: plan.stopStrings)
        }
    }

    /// OpenAI's `finish_reason` and vLLM's `stop_reason` (the stop string that matched) for a result.
    func finishReason(_ result: GenerationResult, stopStrings: [String]) -> (String, String?) {
        switch result.finishReason {
        case .length: return ("length", nil)
        case .eog: return ("stop", nil)
        case .cancelled: return ("cancelled", nil)
        case .stop:
            let after = String(tokenizer.decode(result.tokens).dropFirst(result.text.count))
            return ("stop", stopStrings.first { after.hasPrefix($0) } ?? stopStrings.first)
        }
    }

    /// The text of one token as `logprobs.tokens` lists it (invalid UTF-8 of a partial character becomes U+FFFD).
    func tokenText(_ id: Int) -> String { String(decoding: tokenizer.piece(for: id), as: UTF8.self) }

    /// Runs an engine call, turning its errors into `ServingError`s.
    static func engineCall<Result>(_ body: () async throws -> Result) async throws -> Result {
        do {
            return try await body()
        } catch let error as InferenceError where error.code == .invalidRequest || error.code == .promptTooLong {
            throw ServingError(.invalidRequest, error.message, parameter: "prompt", cause: error)
        } catch let error as InferenceError {
            throw ServingError(.engineFailure, "the engine failed: \(error.message)", cause: error)
        }
    }
}
