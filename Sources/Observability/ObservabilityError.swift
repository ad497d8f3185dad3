/// Errors of the Observability module: bad configuration, undecodable metrics-topic records, servers that do not start.
public struct ObservabilityError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as a stable code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let invalidConfiguration = Code("invalid_configuration")
        public static let malformedEvent = Code("malformed_event")
        public static let serverFailed = Code("server_failed")
    }

    public var code: Code
    public var message: String
    public var cause: (any Error)?
    public var file: String
    public var line: Int

    public init(_ code: Code, _ message: String, cause: (any Error)? = nil, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.message = message
        self.cause = cause
        self.file = file
        self.line = line
    }

    public var description: String { message + (cause.map { " (\($0))" } ?? "") }
}
