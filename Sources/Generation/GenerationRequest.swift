/// One prompt to continue, with its limits and sampling.
public struct GenerationRequest: Sendable {
    /// The prompt as text or as token ids.
    public enum Prompt: Sendable, Hashable {
        /// Text, tokenized with special tokens added (BOS where the model wants it) and parsed.
        case text(String)
        /// Token ids, used as given.
        case tokens([Int])
    }

    /// The caller's identifier, echoed in events and the result.
    public var id: String
    /// What to continue.
    public var prompt: Prompt
    /// Generated tokens at most (the end-of-generation token counts).
    public var maxNewTokens: Int
    /// Token selection.
    public var sampling: SamplingParameters
    /// Strings that end generation when they appear in the decoded text; the stop string is not returned.
    public var stopStrings: [String]
    /// Stop at the model's end-of-generation tokens (finish reason `eog`).
    public var stopAtEndOfGeneration: Bool
    /// Return the log-probability of each generated token (under the unfiltered, temperature-1 distribution).
    public var includeLogProbabilities: Bool
    /// Return log p(prompt token i | tokens before i) for i = 1 ..< prompt length.
    public var includePromptLogProbabilities: Bool

    /// Creates a request; defaults are greedy, 128 new tokens, stop at end-of-generation tokens.
    public init(
        id: String, prompt: Prompt, maxNewTokens: Int = 128, sampling: SamplingParameters = .greedy,
        stopStrings: [String] = [], stopAtEndOfGeneration: Bool = true, includeLogProbabilities: Bool = false,
        includePromptLogProbabilities: Bool = false
    ) {
        self.id = id
        self.prompt = prompt
        self.maxNewTokens = maxNewTokens
        self.sampling = sampling
        self.stopStrings = stopStrings
        self.stopAtEndOfGeneration = stopAtEndOfGeneration
        self.includeLogProbabilities = includeLogProbabilities
        self.includePromptLogProbabilities = includePromptLogProbabilities
    }
}
