/// An error of the pipeline services: bad input, unreadable files, or a stage that cannot go on.
public struct PipelineError: Error, CustomStringConvertible, Sendable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let unreadableInput = Code("unreadable_input")
        public static let badRecord = Code("bad_record")
        public static let malformedRecord = Code("malformed_record")
        public static let invalidConfiguration = Code("invalid_configuration")
        public static let deliveryFailed = Code("delivery_failed")
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

    public var description: String { message }
}
