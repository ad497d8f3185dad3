/// An error from the Kafka layer: a configuration problem, a broker failure, or a refused librdkafka build.
public struct KafkaError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure this is; stable across releases, so callers and dead letters can match on it.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let unsupportedLibrary = Code("unsupported_library")
        public static let invalidConfiguration = Code("invalid_configuration")
        public static let brokerUnreachable = Code("broker_unreachable")
        public static let timedOut = Code("timed_out")
        public static let produceFailed = Code("produce_failed")
        public static let deliveryFailed = Code("delivery_failed")
        public static let consumeFailed = Code("consume_failed")
        public static let commitFailed = Code("commit_failed")
        public static let transactionFailed = Code("transaction_failed")
        public static let adminFailed = Code("admin_failed")
        public static let fatal = Code("fatal")
        public static let closed = Code("closed")
    }

    public var code: Code
    public var message: String
    /// The librdkafka error name without its response-error prefix (`_MSG_TIMED_OUT`, `UNKNOWN_TOPIC_OR_PART`), when
    /// librdkafka reported one.
    public var librdkafkaError: String?
    /// Whether librdkafka says the operation may succeed if retried.
    public var isRetriable: Bool
    /// Whether a transaction must be aborted before the producer can go on.
    public var requiresAbort: Bool
    public var cause: (any Error)?
    public var file: String
    public var line: Int

    public init(
        _ code: Code, _ message: String, librdkafkaError: String? = nil, isRetriable: Bool = false,
        requiresAbort: Bool = false, cause: (any Error)? = nil, file: String = #fileID, line: Int = #line
    ) {
        self.code = code
        self.message = message
        self.librdkafkaError = librdkafkaError
        self.isRetriable = isRetriable
        self.requiresAbort = requiresAbort
        self.cause = cause
        self.file = file
        self.line = line
    }

    public var description: String { message }
}
