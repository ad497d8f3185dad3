import Foundation
import Generation
import Inference
import Tokenization

extension CompletionsHandler {
    /// Answers a one-token greedy completion with `logprobs` from one scoring pass: the prompt plus a placeholder
    /// token is scored, so the last position's alternatives are the next-token distribution; its most likely token
    /// (ties to the lower id, as greedy decoding picks) is the completion.
    ///
    /// - Returns: the result, as generation would give it, and the scored positions for the `logprobs` object.
    /// - Throws: `ServingError` as ``scoring(prompt:generated:echo:topCount:)``.
    func singleGreedyToken(_ plan: CompletionPlan, index: Int) async throws
        -> (result: GenerationResult, scored: [ScoredToken])
    {
        let prompt = plan.prompts[index]
        let topCount = plan.topLogProbabilities ?? 0
        let placeholder = 0
        var scored = try await scoring(
            prompt: prompt, generated: [placeholder], echo: plan.echo, topCount: max(1, topCount))
        let next = scored.removeLast()
        let chosen = next.top[0]
        scored.append(
            ScoredToken(
                token: chosen.token, logProbability: chosen.logProbability, top: Array(next.top.prefix(topCount))))
        var text = tokenizer.isEndOfGeneration(chosen.token) ? "" : tokenText(chosen.token)
        var finishReason = tokenizer.isEndOfGeneration(chosen.token) ? FinishReason.eog : .length
        if let stop = plan.stopStrings.first(where: text.contains), let range = text.range(of: stop) {
            text = String(text[..<range.lowerBound])
            finishReason = .stop
        }
        let result = GenerationResult(
            id: "\(index)", text: text, tokens: [chosen.token], finishReason: finishReason,
            promptTokenCount: prompt.count)
        return (result, scored)
    }
}
