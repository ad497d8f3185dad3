import JSON

/// A document as `feed` produces it to the raw topic (schema `raw-document/1`), keyed by `id`.
public struct RawDocument: Sendable, Equatable {
    /// The given id, or the sha256 (hex) of the normalized text.
    public var id: String
    /// The text exactly as read (not normalized).
    public var text: String
    /// Where it came from: a file path (or `-` for stdin) and a 1-based line (nil for whole-file documents).
    public var sourceFile: String
    public var sourceLine: Int?
    /// Every other field of the input record, in input order.
    public var metadata: [(key: String, value: JSONValue)]

    public init(
        id: String, text: String, sourceFile: String, sourceLine: Int?, metadata: [(key: String, value: JSONValue)]
    ) {
        self.id = id
        self.text = text
        self.sourceFile = sourceFile
        self.sourceLine = sourceLine
        self.metadata = metadata
    }

    public static func == (lhs: RawDocument, rhs: RawDocument) -> Bool {
        lhs.id == rhs.id && lhs.text == rhs.text && lhs.sourceFile == rhs.sourceFile
            && lhs.sourceLine == rhs.sourceLine && JSONValue.object(lhs.metadata) == JSONValue.object(rhs.metadata)
    }

    /// The message value: compact JSON.
    public func encoded() -> [UInt8] {
        var source: [(key: String, value: JSONValue)] = [("file", .string(sourceFile))]
        if let sourceLine { source.append(("line", .number(String(sourceLine)))) }
        var writer = JSONWriter(reservingCapacity: text.utf8.count + 256)
        writer.write(
            .object([
                ("id", .string(id)), ("text", .string(text)), ("source", .object(source)),
                ("metadata", .object(metadata)),
            ]))
        return writer.bytes
    }

    /// Reads a message value written by `encoded()`.
    /// - Throws: `PipelineError` `.malformedRecord` naming the missing field.
    public static func decode(_ bytes: [UInt8]) throws -> RawDocument {
        let value = try JSONParser.parse(bytes)
        guard let id = value["id"]?.stringValue, let text = value["text"]?.stringValue,
            let file = value["source"]?["file"]?.stringValue
        else { throw PipelineError(.malformedRecord, "raw document lacks id, text or source.file") }
        var line: Int?
        if case .number(let number)? = value["source"]?["line"] { line = Int(number) }
        var metadata: [(key: String, value: JSONValue)] = []
        if case .object(let members)? = value["metadata"] { metadata = members }
        return RawDocument(id: id, text: text, sourceFile: file, sourceLine: line, metadata: metadata)
    }
}
