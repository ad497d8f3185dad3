import Generation

/// An error from a remote completions server: a ``Code``, a message naming the URL, the status or reason and the
/// fix, an optional cause, and where it was thrown.
public struct RemoteGenerationError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, as a stable identifier.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        init(_ rawValue: String) { self.rawValue = rawValue }

        /// A configuration value is out of range (URL, concurrency, attempts).
        public static let invalidConfiguration = Code("invalidConfiguration")
        /// The server could not be reached, or timed out, on every attempt.
        public static let unreachable = Code("unreachable")
        /// The server answered with an HTTP error status (the last one when retried).
        public static let httpStatus = Code("httpStatus")
        /// The body is not the JSON the API promises (or lacks a field that was asked for).
        public static let malformedResponse = Code("malformedResponse")
        /// The server's tokenizer differs from the local one, so token ids would mean different text.
        public static let tokenizerMismatch = Code("tokenizerMismatch")

        public var description: String { rawValue }
    }

    /// What went wrong.
    public var code: Code
    /// The URL, the reason and the fix.
    public var message: String
    /// The HTTP status, for `.httpStatus`.
    public var status: Int?
    /// The underlying error, if any.
    public var cause: (any Error)?
    /// The source file that threw.
    public var file: String
    /// The source line that threw.
    public var line: Int

    /// Creates an error; `file` and `line` default to the call site.
    public init(
        _ code: Code, _ message: String, status: Int? = nil, cause: (any Error)? = nil, file: String = #fileID,
        line: Int = #line
    ) {
        self.code = code
        self.message = message
        self.status = status
        self.cause = cause
        self.file = file
        self.line = line
    }

    public var description: String { message }
}

extension RemoteGenerationError: GeneratorOutageReporting {
    /// An unreachable server, a timeout (408), overload (429) or a server error (5xx) is an outage: the same request
    /// may succeed once the server is back. A 4xx refusal, a malformed answer or a tokenizer mismatch is not.
    public var isGeneratorOutage: Bool {
        switch code {
        case .unreachable: true
        case .httpStatus: status.map { $0 >= 500 || $0 == 429 || $0 == 408 } ?? false
        default: false
        }
    }
}
