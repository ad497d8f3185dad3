import ArgumentParser
import Foundation

/// A document to score: its id and text.
struct ScoreDocument {
    var id: String
    var text: String
}

/// Reads `score`'s inputs: JSONL files (`.jsonl`, one object per line) or text files (one document each).
enum ScoreInput {
    /// - Throws: `ValidationError` naming the file (and line) that cannot be read, is not JSON, or lacks the text.
    static func read(_ paths: [String], textField: String, idField: String) throws -> [ScoreDocument] {
        var documents: [ScoreDocument] = []
        for path in paths {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ValidationError("\(path): cannot read the file; check the path and permissions")
            }
            guard path.hasSuffix(".jsonl") || path.hasSuffix(".json") else {
                guard let text = String(data: data, encoding: .utf8) else {
                    throw ValidationError("\(path): not valid UTF-8 text")
                }
                documents.append(ScoreDocument(id: URL(fileURLWithPath: path).lastPathComponent, text: text))
                continue
            }
            for (index, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
                .enumerated()
            where !line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") }) {
                let record = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any]
                guard let record else {
                    throw ValidationError(
                        "\(path):\(index + 1): not a JSON object; each line must be {\"\(textField)\": ...}")
                }
                guard let text = record[textField] as? String, !text.isEmpty else {
                    throw ValidationError(
                        "\(path):\(index + 1): no non-empty string field '\(textField)' (see --text-field)")
                }
                let id =
                    (record[idField] as? String) ?? (record[idField] as? NSNumber)?.stringValue
                    ?? "\(path):\(index + 1)"
                documents.append(ScoreDocument(id: id, text: text))
            }
        }
        return documents
    }
}
