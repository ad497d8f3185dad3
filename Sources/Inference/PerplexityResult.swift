/// Perplexity as llama-perplexity computes it.
public struct PerplexityResult: Sendable {
    /// `exp(mean NLL)` over every scored token.
    public var perplexity: Double
    /// Chunks evaluated.
    public var chunkCount: Int
    /// Tokens scored (the second half of each chunk but its last position).
    public var scoredTokenCount: Int
    /// The mean negative log-likelihood of each chunk, in nats.
    public var chunkMeanNegativeLogLikelihoods: [Double]
}
