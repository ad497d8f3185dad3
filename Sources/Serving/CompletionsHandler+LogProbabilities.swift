import CompletionsAPI
import Inference

extension CompletionsHandler {
    /// One scoring pass over the prompt and the generated tokens: the positions the `logprobs` object lists
    /// (the prompt's after its first when echoed, then the generated ones).
    ///
    /// - Throws: `ServingError.engineFailure` when scoring fails.
    func scoring(prompt: [Int], generated: [Int], echo: Bool, topCount: Int) async throws -> [ScoredToken] {
        let all = prompt + generated
        let start = echo ? 1 : prompt.count
        guard start < all.count else { return [] }
        return try await Self.engineCall { try await engine.scoreTokens(all, from: start, topCount: topCount) }
    }

    /// The `logprobs` object of one choice: the generated tokens (the prompt's first when echoed; its first token
    /// has null entries), each token's log-probability, its `topCount` most likely alternatives (absent when 0),
    /// and character offsets into the choice's text.
    ///
    /// - Parameters:
    ///   - scored: ``scoring(prompt:generated:echo:topCount:)`` of the same tokens.
    func listing(prompt: [Int], generated: [Int], scored: [ScoredToken], echo: Bool, topCount: Int)
        -> CompletionLogProbabilities
    {
        let all = prompt + generated
        var tokenLogProbabilities: [Float?] = scored.map(\.logProbability)
        var top: [TopLogProbabilities?] = scored.map { position in
            var seen: Set<String> = []
            return TopLogProbabilities(
                position.top.compactMap { candidate in
                    let text = tokenText(candidate.token)
                    return seen.insert(text).inserted ? (text, candidate.logProbability) : nil
                })
        }
        let listed = echo ? all : generated
        if echo {
            tokenLogProbabilities.insert(nil, at: 0)
            top.insert(nil, at: 0)
        }
        var offsets: [Int] = []
        var offset = 0
        let texts = listed.map(tokenText)
        for text in texts {
            offsets.append(offset)
            offset += text.count
        }
        return CompletionLogProbabilities(
            tokens: texts, tokenLogprobs: tokenLogProbabilities, topLogprobs: topCount > 0 ? top : nil,
            textOffset: offsets)
    }
}
