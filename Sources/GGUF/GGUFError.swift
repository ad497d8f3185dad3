/// The error every GGUF reader and writer operation throws.
///
/// `message` names the file, the key or tensor, the reason, and what is supported.
public struct GGUFError: Error, CustomStringConvertible, Sendable {
    /// A machine-readable error category.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        private init(_ rawValue: String) { self.rawValue = rawValue }

        /// The file could not be opened or mapped.
        public static let ioFailure = Code("ioFailure")
        /// The first four bytes are not `GGUF`.
        public static let badMagic = Code("badMagic")
        /// The header's version is not 2 or 3.
        public static let unsupportedVersion = Code("unsupportedVersion")
        /// A read or a tensor's data runs past the end of the file.
        public static let truncated = Code("truncated")
        /// A metadata value has a type id outside the GGUF specification, or a string is not UTF-8.
        public static let invalidMetadata = Code("invalidMetadata")
        /// A tensor's ggml type has no known block layout.
        public static let unknownTensorType = Code("unknownTensorType")
        /// Two tensors share a name.
        public static let duplicateTensor = Code("duplicateTensor")
        /// Two metadata entries share a key.
        public static let duplicateKey = Code("duplicateKey")
        /// A tensor's shape or offset is inconsistent (not whole blocks, misaligned, or overflowing).
        public static let invalidTensor = Code("invalidTensor")
        /// A value handed to the writer cannot be written.
        public static let invalidWriterInput = Code("invalidWriterInput")

        public var description: String { rawValue }
    }

    /// The category of the failure.
    public var code: Code
    /// A human-readable explanation naming the input, the reason and the fix.
    public var message: String
    /// The underlying error, if any.
    public var cause: (any Error)?
    /// The source file that threw.
    public var file: String
    /// The source line that threw.
    public var line: Int

    /// Creates an error.
    /// - Parameters:
    ///   - code: The failure category.
    ///   - message: What went wrong, naming the input and what is supported.
    ///   - cause: The underlying error, if any.
    public init(
        _ code: Code, _ message: String, cause: (any Error)? = nil, file: String = #fileID, line: Int = #line
    ) {
        self.code = code
        self.message = message
        self.cause = cause
        self.file = file
        self.line = line
    }

    public var description: String { "GGUFError(\(code)): \(message)" }
}
