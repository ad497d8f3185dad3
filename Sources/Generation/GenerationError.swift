/// An error from a generation request's own values, before any backend sees them: a ``Code``, a message naming the
/// field, its value and the allowed range, an optional cause, and where it was thrown.
public struct GenerationError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, as a stable identifier.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        init(_ rawValue: String) { self.rawValue = rawValue }

        /// A sampling parameter is out of range.
        public static let invalidSampling = Code("invalidSampling")

        public var description: String { rawValue }
    }

    /// What went wrong.
    public var code: Code
    /// The field, its value and the allowed range.
    public var message: String
    /// The underlying error, if any.
    public var cause: (any Error)?
    /// The source file that threw.
    public var file: String
    /// The source line that threw.
    public var line: Int

    /// Creates an error; `file` and `line` default to the call site.
    public init(
        _ code: Code, _ message: String, cause: (any Error)? = nil, file: String = #fileID, line: Int = #line
    ) {
        self.code = code
        self.message = message
        self.cause = cause
        self.file = file
        self.line = line
    }

    public var description: String { "GenerationError(\(code)): \(message)" }
}
