import Crypto
import JSON

/// Turns one input record (a JSON line, or a whole text file) into a `RawDocument`, or says why it cannot.
struct DocumentParser {
    enum Outcome {
        case document(RawDocument, contentDigest: SHA256Digest)
        case refused(DeadLetter.Reason, String)
        /// An empty or whitespace-only line between records.
        case blank
    }

    let configuration: FeedConfiguration

    /// Parses one JSON line.
    func parseJSONLine(_ bytes: UnsafeBufferPointer<UInt8>, file: String, line: Int) -> Outcome {
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return .blank }
        guard String(validating: bytes, as: UTF8.self) != nil else {
            return .refused(.invalidUTF8, "the line is not valid UTF-8")
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            return .refused(.malformedJSON, "malformed JSON: \(error)")
        }
        guard case .object(let members) = value else {
            return .refused(.notAnObject, "expected a JSON object, got \(value.typeName)")
        }
        guard let textValue = members.first(where: { $0.key == configuration.textField })?.value else {
            return .refused(.missingText, "no '\(configuration.textField)' field")
        }
        guard case .string(let text) = textValue else {
            return .refused(.missingText, "'\(configuration.textField)' is a \(textValue.typeName), expected a string")
        }
        var id: String?
        if let idValue = members.first(where: { $0.key == configuration.idField })?.value {
            switch idValue {
            case .string(let given) where !given.isEmpty: id = given
            case .number(let given): id = given
            default: return .refused(.invalidID, "'\(configuration.idField)' must be a non-empty string or a number")
            }
        }
        let metadata =
            configuration.keepMetadata
            ? members.filter { $0.key != configuration.textField && $0.key != configuration.idField } : []
        return document(text: text, id: id, file: file, line: line, metadata: metadata)
    }

    /// Makes a document of a whole text file.
    func parseTextFile(_ bytes: [UInt8], file: String) -> Outcome {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            return .refused(.invalidUTF8, "the file is not valid UTF-8")
        }
        return document(text: text, id: nil, file: file, line: nil, metadata: [])
    }

    private func document(
        text: String, id: String?, file: String, line: Int?, metadata: [(key: String, value: JSONValue)]
    ) -> Outcome {
        let size = text.utf8.count
        if size > configuration.maxDocumentBytes {
            return .refused(
                .documentTooLarge,
                "text is \(size) bytes, over the \(configuration.maxDocumentBytes)-byte limit "
                    + "(feed.maxDocumentBytes)")
        }
        let normalized = Self.normalize(text)
        if normalized.isEmpty {
            return .refused(.emptyText, "'\(configuration.textField)' is empty or whitespace only")
        }
        let digest = SHA256.hash(data: normalized)
        let documentID = id ?? Self.hexString(digest)
        return .document(
            RawDocument(id: documentID, text: text, sourceFile: file, sourceLine: line, metadata: metadata),
            contentDigest: digest)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Lower-case hex of a digest.
    static func hexString(_ digest: SHA256Digest) -> String {
        var characters = [UInt8](repeating: 0, count: SHA256Digest.byteCount * 2)
        for (position, byte) in digest.enumerated() {
            characters[2 * position] = hexDigits[Int(byte >> 4)]
            characters[2 * position + 1] = hexDigits[Int(byte & 0xF)]
        }
        return String(decoding: characters, as: UTF8.self)
    }

    /// The bytes an id is derived from: line endings made `\n`, leading and trailing whitespace removed.
    /// Nothing else changes (no case folding, no Unicode normalization), so distinct texts keep distinct ids.
    static func normalize(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var previousWasCR = false
        for byte in text.utf8 {
            if byte == 0x0D {
                bytes.append(0x0A)
                previousWasCR = true
                continue
            }
            if byte == 0x0A, previousWasCR {
                previousWasCR = false
                continue
            }
            previousWasCR = false
            bytes.append(byte)
        }
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0B || $0 == 0x0C }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) })
        else { return [] }
        return Array(bytes[first...last])
    }
}
