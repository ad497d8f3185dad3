import Foundation
import Pipeline
import Shards

/// A temporary folder of feed inputs, removed by `cleanUp()`.
struct FeedFixtureFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("feed-fixture-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let file = url.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: file)
        return file.path
    }

    func cleanUp() { try? FileManager.default.removeItem(at: url) }
}

/// One line of each class of bad input, with the reason code each must produce, between good documents.
enum BadLineFixture {
    static let lines: [(bytes: [UInt8], reason: String?)] = [
        (Array(#"{"id": "good-1", "text": "The first good document."}"#.utf8), nil),
        (Array(#"{"id": "broken", "text": "unterminated"#.utf8), "malformed_json"),
        ([UInt8](#"{"id": "latin1", "text": "caf"#.utf8) + [0xE9] + Array(#""}"#.utf8), "invalid_utf8"),
        (Array(#"{"id": "no-text", "body": "text is under the wrong key"}"#.utf8), "missing_text"),
        (Array(#"{"id": "empty", "text": "  \n "}"#.utf8), "empty_text"),
        (
            Array(#"{"id": "huge", "text": ""#.utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: 2000)
                + Array(#""}"#.utf8), "document_too_large"
        ),
        (Array(#"["an", "array"]"#.utf8), "not_an_object"),
        (Array(#"{"id": "good-2", "text": "The second good document.", "lang": "en"}"#.utf8), nil),
        (Array(#"{"id": "good-1", "text": "A different text reusing the first id."}"#.utf8), "conflicting_id"),
        (Array(#"{"id": "good-1-again", "text": "The first good document."}"#.utf8), nil),
        ([], nil),
        (Array(#"{"text": "A third good document without an id."}"#.utf8), nil),
    ]

    /// Limit that makes the 2000-byte text too large while the others pass.
    static let maxDocumentBytes = 1000

    static var fileBytes: [UInt8] { Array(lines.map(\.bytes).joined(separator: [0x0A])) }
}
