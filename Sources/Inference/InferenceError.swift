/// An error from loading a model or running inference: a ``Code``, a message naming the input, the reason and the
/// fix, an optional cause, and where it was thrown.
public struct InferenceError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, as a stable identifier.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        init(_ rawValue: String) { self.rawValue = rawValue }

        /// The file could not be read as GGUF (corrupt, truncated, not GGUF); the cause is the `GGUFError`.
        public static let unreadableModel = Code("unreadableModel")
        /// `general.architecture` names an architecture this engine does not implement.
        public static let unsupportedArchitecture = Code("unsupportedArchitecture")
        /// A required metadata key is missing or has the wrong type.
        public static let missingMetadata = Code("missingMetadata")
        /// A required tensor is absent from the file.
        public static let missingTensor = Code("missingTensor")
        /// A tensor's type has no kernel here.
        public static let unsupportedTensorType = Code("unsupportedTensorType")
        /// A tensor's shape disagrees with the hyperparameters.
        public static let invalidTensorShape = Code("invalidTensorShape")
        /// The tokenizer could not be built from the file's vocabulary; the cause is the `TokenizationError`.
        public static let invalidVocabulary = Code("invalidVocabulary")
        /// A prompt (plus at least one generated token) does not fit the context.
        public static let promptTooLong = Code("promptTooLong")
        /// A request's fields are out of range (empty prompt, bad sampling parameters, bad token id).
        public static let invalidRequest = Code("invalidRequest")
        /// The engine was used before ``InferenceEngine/load(path:)``.
        public static let modelNotLoaded = Code("modelNotLoaded")

        public var description: String { rawValue }
    }

    /// What went wrong.
    public var code: Code
    /// The input, the reason and the fix.
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

    public var description: String { "InferenceError(\(code)): \(message)" }
}
