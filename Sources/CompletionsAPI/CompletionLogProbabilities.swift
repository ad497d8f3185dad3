/// The `logprobs` object of a completion choice: one entry per token (prompt tokens first when echoed).
public struct CompletionLogProbabilities: Codable, Sendable, Equatable {
    /// Each token's text.
    public var tokens: [String]
    /// Each token's log-probability; null for the first prompt token, which has no context.
    public var tokenLogprobs: [Float?]
    /// Each position's most likely tokens, most likely first; null where `token_logprobs` is null.
    public var topLogprobs: [TopLogProbabilities?]?
    /// Each token's character offset in the choice's text.
    public var textOffset: [Int]

    /// Creates a log-probability listing.
    public init(tokens: [String], tokenLogprobs: [Float?], topLogprobs: [TopLogProbabilities?]?, textOffset: [Int]) {
        self.tokens = tokens
        self.tokenLogprobs = tokenLogprobs
        self.topLogprobs = topLogprobs
        self.textOffset = textOffset
    }

    enum CodingKeys: String, CodingKey {
        case tokens
        case tokenLogprobs = "token_logprobs"
        case topLogprobs = "top_logprobs"
        case textOffset = "text_offset"
    }
}

/// One position's most likely tokens: a JSON object from token text to log-probability, written most likely first.
/// Decoded objects are put back in that order (JSON objects carry none).
public struct TopLogProbabilities: Codable, Sendable, Equatable {
    /// Token text and log-probability, most likely first.
    public var entries: [(token: String, logProbability: Float)]

    /// Creates a listing; `entries` are sorted most likely first.
    public init(_ entries: [(token: String, logProbability: Float)]) {
        self.entries = entries.sorted { $0.logProbability > $1.logProbability }
    }

    /// The log-probability listed for `token`, if any.
    public subscript(token: String) -> Float? { entries.first { $0.token == token }?.logProbability }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.entries.elementsEqual(rhs.entries) { $0.token == $1.token && $0.logProbability == $1.logProbability }
    }

    struct TokenKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: TokenKey.self)
        self.init(try container.allKeys.map { ($0.stringValue, try container.decode(Float.self, forKey: $0)) })
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: TokenKey.self)
        for entry in entries { try container.encode(entry.logProbability, forKey: TokenKey(stringValue: entry.token)) }
    }
}
