import Foundation
import JSON

extension DeadLetter {
    /// Whether only part of the refused record's bytes were kept.
    public var isRawTruncated: Bool { raw.count < rawSizeBytes }

    /// Reads a dead-letter record value (schema `dead-letter/1`).
    /// - Throws: `PipelineError` `.malformedRecord` naming the missing or wrong field.
    public static func decode(_ bytes: [UInt8]) throws -> DeadLetter {
        let value = try JSONParser.parse(bytes)
        guard let component = value["component"]?.stringValue, let reason = value["reason"]?.stringValue,
            let message = value["message"]?.stringValue, let file = value["source"]?["file"]?.stringValue,
            let rawText = value["raw"]?.stringValue
        else {
            throw PipelineError(.malformedRecord, "dead letter lacks component, reason, message, source.file or raw")
        }
        let raw: [UInt8]
        switch value["raw_encoding"]?.stringValue {
        case "utf8"?: raw = Array(rawText.utf8)
        case "base64"?:
            guard let data = Data(base64Encoded: rawText) else {
                throw PipelineError(.malformedRecord, "dead letter raw is not base64 although raw_encoding says so")
            }
            raw = Array(data)
        default: throw PipelineError(.malformedRecord, "dead letter raw_encoding is neither utf8 nor base64")
        }
        var line: Int?
        if case .number(let number)? = value["source"]?["line"] { line = Int(number) }
        var letter = DeadLetter(
            component: component, reason: Reason(reason), message: message, sourceFile: file, sourceLine: line,
            raw: raw,
            rawLimitBytes: .max)
        if case .number(let size)? = value["raw_size_bytes"], let size = Int(size) { letter.rawSizeBytes = size }
        return letter
    }
}
