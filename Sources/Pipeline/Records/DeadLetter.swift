import Foundation
import JSON

/// A record that could not be accepted, as produced to the dead-letter topic (schema `dead-letter/1`), with
/// `error.code` and `error.message` headers. The raw bytes are kept up to a limit: as text when valid UTF-8,
/// else base64.
public struct DeadLetter: Sendable, Equatable {
    /// Why a record was refused; stable codes that dashboards group by.
    public struct Reason: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let malformedJSON = Reason("malformed_json")
        public static let invalidUTF8 = Reason("invalid_utf8")
        public static let missingText = Reason("missing_text")
        public static let emptyText = Reason("empty_text")
        public static let documentTooLarge = Reason("document_too_large")
        /// A JSON line longer than `feed.maxLineBytes` (8 × `feed.maxDocumentBytes`), skipped unread.
        public static let lineTooLong = Reason("line_too_long")
        public static let notAnObject = Reason("not_an_object")
        public static let invalidID = Reason("invalid_id")
        public static let conflictingID = Reason("conflicting_id")
        /// A shard whose checksum, compression or JSON is wrong (trainer).
        public static let corruptShard = Reason("corrupt_shard")
        /// A shard whose tokenizer is not the trainer model's (trainer).
        public static let unknownTokenizer = Reason("unknown_tokenizer")
    }

    public var component: String
    public var reason: Reason
    public var message: String
    public var sourceFile: String
    public var sourceLine: Int?
    public var raw: [UInt8]
    public var rawSizeBytes: Int

    public init(
        component: String, reason: Reason, message: String, sourceFile: String, sourceLine: Int?,
        raw: some Collection<UInt8>,
        rawLimitBytes: Int
    ) {
        self.component = component
        self.reason = reason
        self.message = message
        self.sourceFile = sourceFile
        self.sourceLine = sourceLine
        self.raw = Array(raw.prefix(rawLimitBytes))
        self.rawSizeBytes = raw.count
    }

    /// The message value: compact JSON.
    public func encoded() -> [UInt8] {
        var source: [(key: String, value: JSONValue)] = [("file", .string(sourceFile))]
        if let sourceLine { source.append(("line", .number(String(sourceLine)))) }
        let rawText: JSONValue
        let encoding: String
        if let text = String(validating: raw, as: UTF8.self) {
            (rawText, encoding) = (.string(text), "utf8")
        } else {
            (rawText, encoding) = (.string(Data(raw).base64EncodedString()), "base64")
        }
        return JSONWriter.encode(
            .object([
                ("component", .string(component)), ("reason", .string(reason.rawValue)), ("message", .string(message)),
                ("source", .object(source)), ("raw", rawText), ("raw_encoding", .string(encoding)),
                ("raw_size_bytes", .number(String(rawSizeBytes))), ("raw_truncated", .bool(raw.count < rawSizeBytes)),
            ]))
    }
}
