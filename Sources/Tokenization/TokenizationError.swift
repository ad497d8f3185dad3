/// The error every Tokenization operation throws.
public struct TokenizationError: Error, CustomStringConvertible, Sendable {
    /// A machine-readable error category.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        private init(_ rawValue: String) { self.rawValue = rawValue }

        /// A required vocabulary field is missing or has the wrong type.
        public static let missingField = Code("missingField")
        /// The tokenizer model or pre-tokenizer named by the vocabulary is not implemented.
        public static let unsupportedModel = Code("unsupportedModel")
        /// Vocabulary arrays disagree in length or a special id is out of range.
        public static let inconsistentVocabulary = Code("inconsistentVocabulary")
        /// A token id passed to a decoder is out of range.
        public static let invalidToken = Code("invalidToken")

        public var description: String { rawValue }
    }

    /// The category of the failure.
    public var code: Code
    /// What went wrong, naming the input and what is supported.
    public var message: String
    /// The underlying error, if any.
    public var cause: (any Error)?
    /// The source file that threw.
    public var file: String
    /// The source line that threw.
    public var line: Int

    /// Creates an error.
    public init(
        _ code: Code, _ message: String, cause: (any Error)? = nil, file: String = #fileID, line: Int = #line
    ) {
        self.code = code
        self.message = message
        self.cause = cause
        self.file = file
        self.line = line
    }

    public var description: String { "TokenizationError(\(code)): \(message)" }
}
