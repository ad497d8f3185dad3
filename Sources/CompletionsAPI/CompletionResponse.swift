/// The body of a completions response, and of each streamed chunk (`object` is `text_completion` in both).
public struct CompletionResponse: Codable, Sendable, Equatable {
    /// The completion's id (`cmpl-...`).
    public var id: String
    /// Always `text_completion`.
    public var object: String
    /// Seconds since 1970 when the completion was created.
    public var created: Int
    /// The model that generated it.
    public var model: String
    /// One choice per prompt.
    public var choices: [CompletionChoice]
    /// Token counts; absent from streamed chunks.
    public var usage: CompletionUsage?

    /// Creates a response.
    public init(
        id: String, object: String = "text_completion", created: Int, model: String, choices: [CompletionChoice],
        usage: CompletionUsage?
    ) {
        self.id = id
        self.object = object
        self.created = created
        self.model = model
        self.choices = choices
        self.usage = usage
    }
}

/// One completion.
public struct CompletionChoice: Codable, Sendable, Equatable {
    /// The generated text (after the prompt's text when `echo` was set).
    public var text: String
    /// The prompt it continues, counting from 0.
    public var index: Int
    /// Per-token log-probabilities when `logprobs` was set.
    public var logprobs: CompletionLogProbabilities?
    /// `stop` (a stop string or the end-of-generation token) or `length` (max_tokens or the context); null in
    /// streamed chunks before the last.
    public var finishReason: String?
    /// The vLLM extension: the stop string that ended generation, or null (end-of-generation token, length, or a
    /// server that does not say). A token id sent here decodes as null.
    public var stopReason: String?

    /// Creates a choice.
    public init(
        text: String, index: Int, logprobs: CompletionLogProbabilities?, finishReason: String?,
        stopReason: String? = nil
    ) {
        self.text = text
        self.index = index
        self.logprobs = logprobs
        self.finishReason = finishReason
        self.stopReason = stopReason
    }

    enum CodingKeys: String, CodingKey {
        case text, index, logprobs
        case finishReason = "finish_reason"
        case stopReason = "stop_reason"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        text = try container.decode(String.self, forKey: .text)
        index = try container.decodeIfPresent(Int.self, forKey: .index) ?? 0
        logprobs = try container.decodeIfPresent(CompletionLogProbabilities.self, forKey: .logprobs)
        finishReason = try container.decodeIfPresent(String.self, forKey: .finishReason)
        stopReason = try? container.decodeIfPresent(String.self, forKey: .stopReason)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(text, forKey: .text)
        try container.encode(index, forKey: .index)
        try container.encode(logprobs, forKey: .logprobs)
        try container.encode(finishReason, forKey: .finishReason)
        try container.encode(stopReason, forKey: .stopReason)
    }
}

/// Token counts of a completion.
public struct CompletionUsage: Codable, Sendable, Equatable {
    /// Tokens in the prompts.
    public var promptTokens: Int
    /// Tokens generated.
    public var completionTokens: Int
    /// The sum of both.
    public var totalTokens: Int

    /// Creates usage counts; the total is their sum.
    public init(promptTokens: Int, completionTokens: Int) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        totalTokens = promptTokens + completionTokens
    }

    enum CodingKeys: String, CodingKey {
        case promptTokens = "prompt_tokens"
        case completionTokens = "completion_tokens"
        case totalTokens = "total_tokens"
    }
}
