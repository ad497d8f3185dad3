// The Training module's error type (house style: code, message, cause, file, line).

/// An input problem in the Training module and in ModelConversion beside it: a bad checkpoint file, a failed
/// checkpoint or export write, a model the trainer cannot start from.
public struct TrainingError: Error, CustomStringConvertible {
    /// What went wrong, for matching.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }
        /// The bytes are not a valid checkpoint (bad magic, version, size or checksum).
        public static let corruptCheckpoint = Code(name: "corruptCheckpoint")
        /// Reading, writing, renaming or syncing a checkpoint file failed.
        public static let checkpointIO = Code(name: "checkpointIO")
        /// A start model or checkpoint path that is missing, of another architecture, or lacks a key or tensor.
        public static let unreadableModel = Code(name: "unreadableModel")
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
