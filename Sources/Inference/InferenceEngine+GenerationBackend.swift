import Foundation
import Generation

/// The in-process engine as a ``GenerationBackend``: `generateAll` and `promptLogProbabilities(tokens:)` are the
/// engine's own; the candidates' log-probabilities come from one pass's last logits.
extension InferenceEngine: GenerationBackend {
    /// log p(candidate | tokens) for each candidate, from the logits after the last of `tokens`.
    ///
    /// - Throws: `.modelNotLoaded`, `.invalidRequest` for a bad id (in `tokens` or `candidates`), `.promptTooLong`.
    public func nextTokenLogProbabilities(tokens: [Int], candidates: [Int]) throws -> [Float] {
        let logits = try lastLogits(tokens: tokens)
        let logSumExp = logits.withUnsafeBufferPointer { Sampler.logSumExp($0) }
        return try candidates.map { candidate in
            guard logits.indices.contains(candidate) else {
                throw InferenceError(
                    .invalidRequest, "candidate token \(candidate) is outside the vocabulary of \(logits.count) tokens")
            }
            return Float(Double(logits[candidate]) - logSumExp)
        }
    }
}
