/// An error answering a completions request: a ``Code`` (which fixes the HTTP status), a message naming the field,
/// the reason and the fix, the request field at fault, an optional cause, and where it was thrown.
public struct ServingError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, as a stable identifier.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        /// The HTTP status the code answers with.
        public let status: Int
        init(_ rawValue: String, status: Int) {
            self.rawValue = rawValue
            self.status = status
        }

        /// A field is missing, malformed or out of range (400).
        public static let invalidRequest = Code("invalid_request_error", status: 400)
        /// The request names a model this server does not serve (404).
        public static let modelNotFound = Code("model_not_found", status: 404)
        /// The engine failed (500).
        public static let engineFailure = Code("server_error", status: 500)
        /// The request body did not arrive in time (408).
        public static let requestTimeout = Code("request_timeout", status: 408)
        /// As many requests as the server admits are in flight; retry after `Retry-After` seconds (429).
        public static let overloaded = Code("overloaded", status: 429)

        public var description: String { rawValue }
    }

    /// What went wrong.
    public var code: Code
    /// The field, the reason and the fix.
    public var message: String
    /// The request field at fault (`max_tokens`), if one is.
    public var parameter: String?
    /// The underlying error, if any.
    public var cause: (any Error)?
    /// The source file that threw.
    public var file: String
    /// The source line that threw.
    public var line: Int

    /// Creates an error; `file` and `line` default to the call site.
    public init(
        _ code: Code, _ message: String, parameter: String? = nil, cause: (any Error)? = nil, file: String = #fileID,
        line: Int = #line
    ) {
        self.code = code
        self.message = message
        self.parameter = parameter
        self.cause = cause
        self.file = file
        self.line = line
    }

    public var description: String { message }

    /// A bad request naming `parameter`.
    static func invalid(_ parameter: String, _ message: String) -> ServingError {
        ServingError(.invalidRequest, "\(parameter): \(message)", parameter: parameter)
    }
}
