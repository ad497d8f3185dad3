import CompletionsAPI
import Foundation
import Generation
import Inference
import Tokenization

/// A completions request checked and resolved for the engine: prompts as token ids, limits, sampling, and what
/// to return.
struct CompletionPlan: Sendable {
    /// Most prompts in one request.
    static let maxPrompts = 64
    /// Most alternatives per position for `logprobs` (vLLM's default `max_logprobs`).
    static let maxTopLogProbabilities = 20
    /// Most stop strings.
    static let maxStopStrings = 16

    /// Each prompt's token ids.
    var prompts: [[Int]]
    /// Each prompt's text, for `echo`.
    var promptTexts: [String]
    var maxTokens: Int
    var sampling: SamplingParameters
    var stopStrings: [String]
    /// nil: no `logprobs` object; N: each token's log-probability and its N most likely alternatives.
    var topLogProbabilities: Int?
    var echo: Bool
    var stream: Bool

    /// One greedy token with `logprobs`: how remote backends read prompt and next-token log-probabilities. One
    /// scoring pass answers it (the logits after the prompt give the token), instead of generating and then
    /// scoring, which would prefill the prompt twice.
    var isSingleGreedyTokenWithLogProbabilities: Bool {
        maxTokens == 1 && sampling.temperature == 0 && topLogProbabilities != nil && !stream
    }

    /// Checks `request` field by field and tokenizes its prompts.
    ///
    /// - Parameters:
    ///   - tokenizer: the served model's tokenizer (text prompts get special tokens added and parsed).
    ///   - contextTokens: positions per sequence; a prompt plus `max_tokens` must fit.
    ///   - vocabularySize: token ids must be below it.
    /// - Throws: `ServingError.invalidRequest` naming the field, its value and the allowed range.
    init(_ request: CompletionRequest, tokenizer: Tokenizer, contextTokens: Int, vocabularySize: Int) throws {
        guard (request.n ?? 1) == 1 else { throw ServingError.invalid("n", "\(request.n!) is not supported; use 1") }
        (prompts, promptTexts) = try Self.prompts(request.prompt, tokenizer: tokenizer)
        echo = request.echo ?? false
        stream = request.stream ?? false
        maxTokens = request.maxTokens ?? 16
        guard maxTokens >= 0, maxTokens < contextTokens else {
            throw ServingError.invalid("max_tokens", "\(maxTokens) must be in 0 ..< \(contextTokens) (the context)")
        }
        guard maxTokens > 0 || echo else { throw ServingError.invalid("max_tokens", "0 needs echo: true") }
        for (index, prompt) in prompts.enumerated() {
            let parameter = prompts.count == 1 ? "prompt" : "prompt[\(index)]"
            guard !prompt.isEmpty else { throw ServingError.invalid(parameter, "the prompt has no tokens") }
            if let bad = prompt.first(where: { $0 < 0 || $0 >= vocabularySize }) {
                throw ServingError.invalid(parameter, "token id \(bad) is outside 0 ..< \(vocabularySize)")
            }
            guard prompt.count + max(maxTokens, 1) <= contextTokens else {
                throw ServingError.invalid(
                    parameter,
                    "\(prompt.count) prompt tokens + max_tokens \(maxTokens) exceed the context of \(contextTokens)")
            }
        }
        sampling = try Self.sampling(request)
        stopStrings = request.stop ?? []
        guard stopStrings.count <= Self.maxStopStrings, !stopStrings.contains("") else {
            throw ServingError.invalid("stop", "give at most \(Self.maxStopStrings) non-empty strings")
        }
        topLogProbabilities = request.logprobs
        if let count = topLogProbabilities, !(0...Self.maxTopLogProbabilities).contains(count) {
            throw ServingError.invalid("logprobs", "\(count) must be in 0 ... \(Self.maxTopLogProbabilities)")
        }
        if stream, topLogProbabilities != nil {
            throw ServingError.invalid("logprobs", "is not supported with stream: true; leave one of them out")
        }
    }

    /// The prompts as token lists, and their texts.
    private static func prompts(_ prompt: CompletionPrompt, tokenizer: Tokenizer) throws -> ([[Int]], [String]) {
        let texts: [String]?
        let lists: [[Int]]?
        switch prompt {
        case .text(let text): (texts, lists) = ([text], nil)
        case .texts(let many): (texts, lists) = (many, nil)
        case .tokens(let ids): (texts, lists) = (nil, [ids])
        case .tokenLists(let many): (texts, lists) = (nil, many)
        }
        let count = texts?.count ?? lists?.count ?? 0
        guard (1...maxPrompts).contains(count) else {
            throw ServingError.invalid("prompt", "give 1 ... \(maxPrompts) prompts, not \(count)")
        }
        if let texts {
            return (texts.map { tokenizer.encode($0, addSpecial: true, parseSpecial: true) }, texts)
        }
        return (lists!, lists!.map { tokenizer.decode($0, unparseSpecial: true) })
    }

    private static func sampling(_ request: CompletionRequest) throws -> SamplingParameters {
        let temperature = request.temperature ?? 1
        guard temperature.isFinite, temperature >= 0 else {
            throw ServingError.invalid("temperature", "\(temperature) must be finite and >= 0")
        }
        let topP = request.topP ?? 1
        guard topP > 0, topP <= 1 else { throw ServingError.invalid("top_p", "\(topP) must be in (0, 1]") }
        let topK = request.topK ?? 0
        guard topK >= -1 else { throw ServingError.invalid("top_k", "\(topK) must be >= 0, or -1 for all tokens") }
        let minP = request.minP ?? 0
        guard minP >= 0, minP <= 1 else { throw ServingError.invalid("min_p", "\(minP) must be in [0, 1]") }
        let seed = request.seed.map { UInt64(bitPattern: $0) } ?? UInt64.random(in: 0...UInt64.max)
        for (field, value) in [
            ("presence_penalty", request.presencePenalty), ("frequency_penalty", request.frequencyPenalty),
        ] {
            if let value, !(value.isFinite && abs(value) <= 2) {
                throw ServingError.invalid(field, "\(value) must be in [-2, 2]")
            }
        }
        if let value = request.repetitionPenalty, !(value.isFinite && value > 0) {
            throw ServingError.invalid("repetition_penalty", "\(value) must be finite and > 0 (1 is off)")
        }
        if let value = request.noRepeatNgramSize, value != 0, value < 2 {
            throw ServingError.invalid("no_repeat_ngram_size", "\(value) must be 0 (off) or >= 2")
        }
        return SamplingParameters(
            temperature: Float(temperature), topK: max(0, topK), topP: Float(topP), minP: Float(minP), seed: seed,
            repetitionPenalty: Float(request.repetitionPenalty ?? 1),
            presencePenalty: Float(request.presencePenalty ?? 0),
            frequencyPenalty: Float(request.frequencyPenalty ?? 0), noRepeatNGramTokens: request.noRepeatNgramSize ?? 0)
    }
}
