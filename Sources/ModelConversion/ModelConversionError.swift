// The ModelConversion module's error type (house style: code, message, cause, file, line).

/// A model or checkpoint that cannot be converted: a GGUF the trainer cannot start from, a missing checkpoint.
public struct ModelConversionError: Error, CustomStringConvertible {
    /// What went wrong, for matching.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }
        /// The file is missing, of another architecture, or lacks a key or tensor the trainer needs.
        public static let unreadableInput = Code(name: "unreadableInput")
    }

    /// The kind of failure.
    public var code: Code
    /// Names the input, the reason and the fix.
    public var message: String
    /// The underlying error, if any.
    public var cause: (any Error)?
    /// Where it was thrown.
    public var file: String
    /// Where it was thrown.
    public var line: Int

    /// Creates an error.
    ///
    /// - Parameters: one per property; `file` and `line` default to the call site.
    public init(
        _ code: Code, _ message: String, cause: (any Error)? = nil, file: String = #fileID, line: Int = #line
    ) {
        self.code = code
        self.message = message
        self.cause = cause
        self.file = file
        self.line = line
    }

    public var description: String { "\(code): \(message)" + (cause.map { " (\($0))" } ?? "") }
}
