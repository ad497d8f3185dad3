/// Engine settings.
public struct InferenceConfiguration: Sendable, Hashable {
    /// Context positions per sequence at most (prompt plus generated tokens); also capped by the model's.
    public var contextTokens: Int
    /// Sequences decoded together at most; more requests wait for a free slot.
    public var maxSequences: Int
    /// Tokens per forward pass at most (decoding tokens plus prompt chunks).
    public var maxBatchTokens: Int
    /// Threads for each matrix multiply, the engine's own included (2 on this project's machines).
    public var threadCount: Int
    /// Whether a request whose prompt starts with at least ``minimumSharedPrefixTokens`` tokens of a running
    /// request's prompt copies their KV cache instead of prefilling them (a document's trajectories share one
    /// prompt; `serve` clients often share a system prompt).
    public var sharesPromptPrefixes: Bool
    /// The shortest common prompt prefix worth copying.
    public var minimumSharedPrefixTokens: Int
    /// Whether q4_K and q6_K weight matrices are repacked at load into eight-row interleaved groups (``InterleavedWeights``),
    /// which the AVX2 kernel multiplies about twice as fast; off keeps every matrix as mapped from the file.
    public var repacksWeights: Bool

    /// Creates a configuration with the defaults: 4096 context tokens, 16 sequences, 512 batch tokens, 2 threads.
    /// Prompt prefixes are shared from 16 tokens on; q4_K and q6_K weights are repacked.
    public init(
        contextTokens: Int = 4096, maxSequences: Int = 16, maxBatchTokens: Int = 512, threadCount: Int = 2,
        sharesPromptPrefixes: Bool = true, minimumSharedPrefixTokens: Int = 16, repacksWeights: Bool = true
    ) {
        self.contextTokens = contextTokens
        self.maxSequences = maxSequences
        self.maxBatchTokens = maxBatchTokens
        self.threadCount = threadCount
        self.sharesPromptPrefixes = sharesPromptPrefixes
        self.minimumSharedPrefixTokens = minimumSharedPrefixTokens
        self.repacksWeights = repacksWeights
    }

    /// Throws unless every field is positive.
    ///
    /// - Throws: `InferenceError.invalidRequest` naming the field.
    public func validate() throws {
        for (key, value) in [
            ("inference.contextTokens", contextTokens), ("inference.maxSequences", maxSequences),
            ("inference.maxBatchTokens", maxBatchTokens), ("inference.threadCount", threadCount),
            ("inference.minimumSharedPrefixTokens", minimumSharedPrefixTokens),
        ] where value < 1 {
            throw InferenceError(.invalidRequest, "\(key) = \(value) must be at least 1")
        }
    }
}
