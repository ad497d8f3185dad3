import JSON
import Pipeline
import Testing

@Suite struct DocumentIdentityTests {
    @Test func rawDocumentEncodingRoundTrips() throws {
        let document = RawDocument(
            id: "x-1", text: "Line one\r\nline \"two\"\t😀", sourceFile: "a/b.jsonl", sourceLine: 7,
            metadata: [("url", .string("https://example.org")), ("level", .number("3"))])
        #expect(try RawDocument.decode(document.encoded()) == document)
    }

    @Test func deadLetterKeepsUTF8RawAsTextAndTruncatesAtTheLimit() throws {
        let letter = DeadLetter(
            component: "feed", reason: .missingText, message: "no 'text' field", sourceFile: "f.jsonl", sourceLine: 3,
            raw: Array("0123456789".utf8), rawLimitBytes: 4)
        let value = try JSONParser.parse(letter.encoded())
        #expect(value["raw"] == .string("0123"))
        #expect(value["raw_truncated"] == .bool(true))
        #expect(value["raw_size_bytes"] == .number("10"))
        #expect(value["source"]?["line"] == .number("3"))
    }
}
