import Generation

/// An error from the Augmentation module: what was wrong with which input, and how to fix it.
public struct AugmentationError: Error, CustomStringConvertible, Sendable {
    /// The kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// A difficulty-weights file that cannot be decoded or is inconsistent.
        public static let invalidWeights = Code("invalidWeights")
        /// A document the estimator cannot score (empty after tokenization).
        public static let invalidDocument = Code("invalidDocument")
        /// An up-sampling policy or gate configuration with a missing or out-of-range field.
        public static let invalidPolicy = Code("invalidPolicy")
        /// The engine failed while scoring.
        public static let engineFailure = Code("engineFailure")
    }

    /// The kind of failure.
    public var code: Code
    /// The input, the reason and the fix.
    public var message: String
    /// The underlying error, if any.
    public var cause: (any Error)?
    /// Where the error was made.
    public var file: String
    /// Where the error was made.
    public var line: Int

    /// Creates an error.
    public init(_ code: Code, _ message: String, cause: (any Error)? = nil, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.message = message
        self.cause = cause
        self.file = file
        self.line = line
    }

    public var description: String { "AugmentationError(\(code)): \(message)" }
}

extension AugmentationError: GeneratorOutageReporting {
    /// An augmentation step that failed because its generator was unavailable (the cause says so) is an outage too.
    public var isGeneratorOutage: Bool { cause.map(GeneratorOutage.isOutage) ?? false }
}
