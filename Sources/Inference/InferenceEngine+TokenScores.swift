import Foundation

extension InferenceEngine {
    /// Scores positions `start ..< tokens.count` of `tokens` in one pass (fresh cache, chunks of `maxBatchTokens`):
    /// each position's log p(token | tokens before it) and its `topCount` most likely tokens.
    ///
    /// Serves OpenAI-style `logprobs` (the top-N per token) and `echo` (the prompt's log-probabilities).
    ///
    /// - Parameters:
    ///   - tokens: the sequence, used as given.
    ///   - start: the first position to score, at least 1 (position 0 has no context).
    ///   - topCount: how many most likely tokens to list per position (0 lists none).
    /// - Throws: `.modelNotLoaded`, `.invalidRequest` for a bad id or a `start` outside `1 ... tokens.count`,
    ///   `.promptTooLong` beyond `contextTokens`.
    public func scoreTokens(_ tokens: [Int], from start: Int, topCount: Int) throws -> [ScoredToken] {
        let scheduler = try loadedScheduler()
        guard start >= 1, start <= tokens.count, topCount >= 0 else {
            throw InferenceError(
                .invalidRequest,
                "scoreTokens: start \(start) must be in 1 ... \(tokens.count), topCount \(topCount) >= 0")
        }
        guard tokens.count <= scheduler.contextTokens else {
            throw InferenceError(
                .promptTooLong, "the sequence has \(tokens.count) tokens; the context holds \(scheduler.contextTokens)")
        }
        let model = scheduler.model
        let cache = model.makeCache(capacity: tokens.count)
        let chunkTokens = configuration.maxBatchTokens
        var scored: [ScoredToken] = []
        scored.reserveCapacity(tokens.count - start)
        var chunkStart = 0
        while chunkStart < tokens.count {
            let chunkEnd = min(tokens.count, chunkStart + chunkTokens)
            // The logits at position p predict position p + 1.
            let outputs = (chunkStart..<chunkEnd).filter { $0 + 1 >= start && $0 + 1 < tokens.count }.map {
                $0 - chunkStart
            }
            try model.evaluate(Array(tokens[chunkStart..<chunkEnd]), cache: cache, outputs: outputs) { offset, logits in
                let target = tokens[chunkStart + offset + 1]
                scored.append(Self.score(target, in: logits, topCount: topCount))
            }
            chunkStart = chunkEnd
        }
        return scored
    }

    /// The log-probability of `target` and the `topCount` most likely tokens under `logits`.
    static func score(_ target: Int, in logits: UnsafeBufferPointer<Float>, topCount: Int) -> ScoredToken {
        let logSumExp = Sampler.logSumExp(logits)
        var top: [ScoredToken.Candidate] = []
        if topCount > 0 {
            // Insertion into a short sorted list: most likely first, ties to the lower id.
            for (id, logit) in logits.enumerated() {
                guard top.count < topCount || logit > top[top.count - 1].logProbability else { continue }
                let candidate = ScoredToken.Candidate(token: id, logProbability: logit)
                let index = top.firstIndex { logit > $0.logProbability } ?? top.count
                top.insert(candidate, at: index)
                if top.count > topCount { top.removeLast() }
            }
            for index in top.indices {
                top[index].logProbability = Float(Double(top[index].logProbability) - logSumExp)
            }
        }
        return ScoredToken(
            token: target, logProbability: Float(Double(logits[target]) - logSumExp), top: top)
    }
}
