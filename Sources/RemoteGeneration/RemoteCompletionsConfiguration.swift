import Foundation

/// How to reach an OpenAI-compatible completions server (vLLM, SGLang, llama.cpp's server, `thinkstream serve`).
public struct RemoteCompletionsConfiguration: Sendable, Equatable {
    /// The server's base URL, without `/v1` (`http://127.0.0.1:8000`).
    public var baseURL: URL
    /// The model name for requests; nil asks `GET /v1/models` and takes the first.
    public var model: String?
    /// HTTP requests in flight at most, across all callers.
    public var maxConcurrentRequests: Int
    /// Time one HTTP request may take, generation included.
    public var requestTimeout: Duration
    /// Tries per request: 5xx, 429 and connection errors are retried, other errors are not.
    public var maxAttempts: Int
    /// Wait before the first retry; it doubles per retry, up to 10 seconds.
    public var initialBackoff: Duration
    /// Most likely next tokens to ask for when reading candidates' log-probabilities (vLLM's default
    /// `max_logprobs` is 20; candidates outside them read as impossible).
    public var candidateTopCount: Int

    /// Creates a configuration; the defaults suit one GPU server on a local network.
    public init(
        baseURL: URL, model: String? = nil, maxConcurrentRequests: Int = 16, requestTimeout: Duration = .seconds(600),
        maxAttempts: Int = 4, initialBackoff: Duration = .milliseconds(500), candidateTopCount: Int = 20
    ) {
        self.baseURL = baseURL
        self.model = model
        self.maxConcurrentRequests = maxConcurrentRequests
        self.requestTimeout = requestTimeout
        self.maxAttempts = maxAttempts
        self.initialBackoff = initialBackoff
        self.candidateTopCount = candidateTopCount
    }

    /// Throws unless every field is usable.
    ///
    /// - Throws: `RemoteGenerationError.invalidConfiguration` naming the field, its value and the allowed range.
    public func validate() throws {
        guard let scheme = baseURL.scheme, ["http", "https"].contains(scheme), baseURL.host != nil else {
            throw RemoteGenerationError(
                .invalidConfiguration, "generator URL '\(baseURL.absoluteString)': expected http://host:port")
        }
        let checks: [(String, Int, ClosedRange<Int>)] = [
            ("maxConcurrentRequests", maxConcurrentRequests, 1...1024), ("maxAttempts", maxAttempts, 1...20),
            ("candidateTopCount", candidateTopCount, 1...1000),
        ]
        for (name, value, range) in checks where !range.contains(value) {
            throw RemoteGenerationError(
                .invalidConfiguration,
                "remote generator \(name) \(value): must be in \(range.lowerBound) ... \(range.upperBound)")
        }
        guard requestTimeout > .zero, initialBackoff >= .zero else {
            throw RemoteGenerationError(
                .invalidConfiguration,
                "remote generator requestTimeout \(requestTimeout) must be > 0 and initialBackoff \(initialBackoff) >= 0"
            )
        }
    }
}
