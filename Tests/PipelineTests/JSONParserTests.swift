import JSON
import Pipeline
import Testing

@Suite struct JSONParserTests {
    @Test func parsesNestedValuesKeepingKeyOrderAndNumberText() throws {
        let value = try JSONParser.parse(Array(#"{"b": [1, -2.50, 3e2, true, null], "a": {"x": "y"}}"#.utf8))
        guard case .object(let members) = value else { Issue.record("not an object"); return }
        #expect(members.map(\.key) == ["b", "a"])
        #expect(value["b"] == .array([.number("1"), .number("-2.50"), .number("3e2"), .bool(true), .null]))
        #expect(value["a"]?["x"] == .string("y"))
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let value = try JSONParser.parse(Array(#""tab\tquote\"slash\/u\u00e9 pair\ud83d\ude00""#.utf8))
        #expect(value == .string("tab\tquote\"slash/ué pair😀"))
    }

    @Test(arguments: [
        (#"{"a": }"#, "expected a value"), (#"{"a" 1}"#, "expected ':'"), (#"[1, 2"#, "unexpected end"),
        (#""\ud800""#, "unpaired high surrogate"), (#"{"a": 1} x"#, "after the JSON value"),
        ("01", "after the JSON value"),
        ("\"a\u{01}\"", "control character"), (#""\q""#, "invalid escape"),
    ])
    func rejectsMalformedInputNamingThePosition(input: String, reason: String) {
        let error = #expect(throws: JSONParser.SyntaxError.self) { try JSONParser.parse(Array(input.utf8)) }
        #expect(error?.description.contains(reason) == true, "\(error?.description ?? "") should mention \(reason)")
    }

    @Test func writerRoundTripsEveryValueKind() throws {
        let original: JSONValue = .object([
            ("s", .string("line\nbreak \"quoted\" \\ \u{07} é😀")), ("n", .number("-12.5e-3")),
            ("a", .array([.bool(false), .null, .object([])])),
        ])
        let written = JSONWriter.encode(original)
        #expect(try JSONParser.parse(written) == original)
        #expect(String(decoding: written, as: UTF8.self).contains(#"\u0007"#))
    }
}
