import Foundation

/// A labelled document of the shared corpora.
struct LabelledDocument: Sendable {
    var id: String
    /// The file stem (`gsm8k_test`, `math_train_sample`, …).
    var corpus: String
    /// `domain` where the record has one, else the corpus.
    var domain: String
    /// `math` (GSM8K, MATH), `prose` (web-cc, encyclopedia, FineWeb-Edu), or the domain for the rest.
    var label: String
    /// MATH level 1–5.
    var level: Int?
    var text: String
}

/// The deterministic sample: per stratum, the documents with the smallest FNV-1a hash of their id.
struct LabelledSample {
    /// (file stem, domain or nil for all, count, stratify by MATH level).
    static let strata: [(file: String, domain: String?, count: Int, byLevel: Bool)] = [
        ("gsm8k_test", nil, 40, false),
        ("math_train_sample", nil, 10, true),
        ("math500", nil, 6, true),
        ("web_docs", "web-cc", 8, false),
        ("web_docs", "encyclopedia", 8, false),
        ("web_docs", "forum-math", 8, false),
        ("web_docs", "textbook-math", 8, false),
        ("web_docs", "textbook-physics", 8, false),
        ("code_docs", nil, 12, false),
        ("fineweb_edu_excerpts", nil, 24, false),
    ]

    var documents: [LabelledDocument]

    static func load(directory: String) throws -> LabelledSample {
        var cache: [String: [LabelledDocument]] = [:]
        var strata: [[LabelledDocument]] = []
        for stratum in Self.strata {
            if cache[stratum.file] == nil { cache[stratum.file] = try read(directory: directory, file: stratum.file) }
            let pool = cache[stratum.file]!.filter { stratum.domain == nil || $0.domain == stratum.domain }
            let ordered = pool.sorted { fnv1a($0.id) < fnv1a($1.id) }
            if stratum.byLevel {
                for level in 1...5 { strata.append(Array(ordered.filter { $0.level == level }.prefix(stratum.count))) }
            } else {
                strata.append(Array(ordered.prefix(stratum.count)))
            }
        }
        // Round-robin over strata so a partial run is balanced.
        var documents: [LabelledDocument] = []
        for index in 0..<(strata.map(\.count).max() ?? 0) {
            for stratum in strata where index < stratum.count { documents.append(stratum[index]) }
        }
        return LabelledSample(documents: documents)
    }

    /// `count` documents for the trajectory measurement: the first of the round-robin order.
    func trajectorySample(count: Int) -> [LabelledDocument] { Array(documents.prefix(count)) }

    static func read(directory: String, file: String) throws -> [LabelledDocument] {
        let path = "\(directory)/\(file).jsonl"
        guard let data = FileManager.default.contents(atPath: path) else { throw DumpError("\(path) is missing") }
        var documents: [LabelledDocument] = []
        for line in data.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
            guard let object = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                let id = object["id"] as? String, let text = object["text"] as? String
            else { throw DumpError("\(path): a line is not a record with id and text") }
            let domain = object["domain"] as? String ?? file
            let label: String
            switch domain {
            case _ where file.hasPrefix("gsm8k") || file.hasPrefix("math"): label = "math"
            case "web-cc", "encyclopedia", "fineweb-edu", "fineweb_edu_excerpts": label = "prose"
            default: label = file == "fineweb_edu_excerpts" ? "prose" : domain
            }
            documents.append(
                LabelledDocument(
                    id: id, corpus: file, domain: domain, label: label, level: object["level"] as? Int, text: text))
        }
        return documents
    }

    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return hash
    }
}

struct DumpError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
