import Foundation

extension TransformerModel {
    /// log p(token_i | tokens before i) for i = 1 ..< tokens.count, from one pass over the prompt with logits
    /// requested at every position (in chunks of `chunkTokens`).
    ///
    /// - Throws: `InferenceError.invalidRequest` for a bad token id.
    public func promptLogProbabilities(_ tokens: [Int], chunkTokens: Int = 512) throws -> [Float] {
        guard tokens.count > 1 else { return [] }
        let cache = makeCache(capacity: tokens.count)
        var result: [Float] = []
        result.reserveCapacity(tokens.count - 1)
        var start = 0
        while start < tokens.count {
            let end = min(tokens.count, start + chunkTokens)
            let outputs = (start..<end).filter { $0 + 1 < tokens.count }.map { $0 - start }
            try evaluate(Array(tokens[start..<end]), cache: cache, outputs: outputs) { offset, logits in
                result.append(Sampler.logProbability(of: tokens[start + offset + 1], in: logits))
            }
            start = end
        }
        return result
    }

    /// Perplexity as `llama-perplexity -c context -b context`: chunk k is tokens `[k*c, (k+1)*c)` with its first
    /// token replaced by `bos` when given; each chunk starts from an empty cache; the logits at positions
    /// c/2 ..< c-1 score the next tokens (NLL with a float max and a double sum of `expf`).
    ///
    /// - Parameters:
    ///   - tokens: the tokenized text.
    ///   - context: the chunk length `c`.
    ///   - bos: the id to put first in every chunk, or nil.
    ///   - maxChunks: evaluate at most this many chunks.
    /// - Throws: `InferenceError.invalidRequest` when the text has fewer than `2 * context` tokens or a bad id.
    public func perplexity(tokens: [Int], context: Int, bos: Int?, maxChunks: Int? = nil) throws -> PerplexityResult {
        var chunkCount = tokens.count / context
        if let maxChunks { chunkCount = min(chunkCount, maxChunks) }
        guard context >= 4, chunkCount >= 1 else {
            throw InferenceError(
                .invalidRequest, "perplexity: \(tokens.count) tokens do not fill one chunk of \(context) tokens")
        }
        let cache = makeCache(capacity: context)
        let first = context / 2
        var totalNLL: Double = 0
        var means: [Double] = []
        for chunk in 0..<chunkCount {
            var chunkTokens = Array(tokens[(chunk * context)..<((chunk + 1) * context)])
            if let bos { chunkTokens[0] = bos }
            cache.clear()
            var chunkNLL: Double = 0
            try evaluate(chunkTokens, cache: cache, outputs: Array(first..<(context - 1))) { offset, logits in
                let best = logits.max()!
                var sum: Double = 0
                for logit in logits { sum += Double(expf(logit - best)) }
                chunkNLL += -(Double(logits[chunkTokens[offset + 1]] - best) - log(sum))
            }
            totalNLL += chunkNLL
            means.append(chunkNLL / Double(context - 1 - first))
        }
        let scored = chunkCount * (context - 1 - first)
        return PerplexityResult(
            perplexity: exp(totalNLL / Double(scored)), chunkCount: chunkCount, scoredTokenCount: scored,
            chunkMeanNegativeLogLikelihoods: means)
    }
}
