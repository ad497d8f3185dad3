/// Why a sequence stopped.
public enum FinishReason: String, Sendable, Codable {
    /// A stop string appeared (it is removed from the text).
    case stop
    /// `maxNewTokens` was reached, or the context is full.
    case length
    /// The model produced an end-of-generation token (it ends `tokens` and adds no text).
    case eog
    /// The caller went away (its task was cancelled, or a client disconnected) and generation stopped early.
    case cancelled
}

/// A finished request.
public struct GenerationResult: Sendable {
    /// The request's id.
    public var id: String
    /// The generated text, without a stop string and anything after it.
    public var text: String
    /// The generated token ids, the final end-of-generation token included.
    public var tokens: [Int]
    /// Why generation stopped.
    public var finishReason: FinishReason
    /// Tokens in the prompt.
    public var promptTokenCount: Int
    /// Log-probability of each generated token, when requested.
    public var tokenLogProbabilities: [Float]?
    /// log p(prompt[i] | prompt[..<i]) for i = 1 ..< promptTokenCount, when requested.
    public var promptLogProbabilities: [Float]?

    /// Creates a result (backends other than the engine build theirs from what their server returns).
    public init(
        id: String, text: String, tokens: [Int], finishReason: FinishReason, promptTokenCount: Int,
        tokenLogProbabilities: [Float]? = nil, promptLogProbabilities: [Float]? = nil
    ) {
        self.id = id
        self.text = text
        self.tokens = tokens
        self.finishReason = finishReason
        self.promptTokenCount = promptTokenCount
        self.tokenLogProbabilities = tokenLogProbabilities
        self.promptLogProbabilities = promptLogProbabilities
    }
}

/// A streamed update about one request.
public enum GenerationEvent: Sendable {
    /// A token was generated; `text` is the newly decodable text (possibly empty while a UTF-8 character or a
    /// possible stop string is incomplete).
    case token(requestID: String, token: Int, text: String, logProbability: Float?)
    /// The request finished.
    case finished(GenerationResult)
}
