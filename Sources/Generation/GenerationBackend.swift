/// What the augmenter and the difficulty estimator need from a generator: batched generation, per-token prompt
/// log-probabilities, and the next-token log-probabilities of chosen candidate tokens.
///
/// The CPU engine (`InferenceEngine`, module Inference) conforms in process; a remote backend (an OpenAI-compatible completions server) conforms over
/// HTTP. Token ids mean the same on both sides: a remote server must run a model with the caller's tokenizer.
public protocol GenerationBackend: Sendable {
    /// Generates for `requests` (batched as the backend sees fit) and returns their results in request order.
    ///
    /// - Parameters:
    ///   - requests: prompts (text or token ids), limits, sampling and stop strings.
    /// - Throws: the backend's error for a bad request or an unusable generator.
    func generateAll(_ requests: [GenerationRequest]) async throws -> [GenerationResult]

    /// log p(token_i | tokens before i) for i = 1 ..< tokens.count.
    ///
    /// - Parameters:
    ///   - tokens: the token ids, used as given (add BOS yourself when the model wants it).
    /// - Throws: the backend's error for bad ids, a prompt beyond the context, or an unusable generator.
    func promptLogProbabilities(tokens: [Int]) async throws -> [Float]

    /// log p(candidate | tokens) for each of `candidates`, in their order, under the model's unfiltered next-token
    /// distribution after the last of `tokens`.
    ///
    /// A backend that only sees the most likely tokens (a remote server's top-N) returns `-infinity` for a candidate
    /// outside them.
    ///
    /// - Parameters:
    ///   - tokens: the context, used as given.
    ///   - candidates: the token ids to read.
    /// - Throws: the backend's error for bad ids, a prompt beyond the context, or an unusable generator.
    func nextTokenLogProbabilities(tokens: [Int], candidates: [Int]) async throws -> [Float]
}
