import Foundation

/// One document of the bake-off sample with what the report groups and checks it by.
struct BakeoffDocument: Sendable {
    var id: String
    /// `gsm8k`, `math-L1` … `math-L5`, or the corpus domain (`web-cc`, `encyclopedia`, `textbook-math`,
    /// `textbook-physics`, `forum-math`, `code`, `fineweb-edu`).
    var stratum: String
    /// The reference reasoning level the difficulty fit uses for this stratum: prose none; GSM8K and MATH 1–2
    /// basic; MATH 3–4, textbooks and code intermediate; MATH 5 and forum-math advanced.
    var level: String
    var text: String
    /// GSM8K `final_answer_num` or MATH `answer`; nil for documents without one.
    var referenceNumber: Double?
    var referenceAnswer: String?
}

/// The fixed stratified sample: per stratum, the records with the smallest FNV-1a 64 hash of their `id`.
enum BakeoffSample {
    /// (file stem, domain filter, MATH level filter, count, stratum name, reference level).
    static let strata: [(file: String, domain: String?, mathLevel: Int?, count: Int, name: String, level: String)] = [
        ("gsm8k_test", nil, nil, 12, "gsm8k", "basic"),
        ("math500", nil, 1, 4, "math-L1", "basic"),
        ("math500", nil, 2, 4, "math-L2", "basic"),
        ("math500", nil, 3, 4, "math-L3", "intermediate"),
        ("math500", nil, 4, 4, "math-L4", "intermediate"),
        ("math500", nil, 5, 4, "math-L5", "advanced"),
        ("web_docs", "web-cc", nil, 6, "web-cc", "none"),
        ("web_docs", "encyclopedia", nil, 4, "encyclopedia", "none"),
        ("web_docs", "textbook-math", nil, 4, "textbook-math", "intermediate"),
        ("web_docs", "textbook-physics", nil, 4, "textbook-physics", "intermediate"),
        ("web_docs", "forum-math", nil, 4, "forum-math", "advanced"),
        ("code_docs", nil, nil, 6, "code", "intermediate"),
        ("fineweb_edu_excerpts", nil, nil, 6, "fineweb-edu", "none"),
    ]

    static func load(directory: String) throws -> [BakeoffDocument] {
        var files: [String: [[String: Any]]] = [:]
        var documents: [BakeoffDocument] = []
        for stratum in strata {
            if files[stratum.file] == nil { files[stratum.file] = try read("\(directory)/\(stratum.file).jsonl") }
            let pool = files[stratum.file]!.filter { record in
                (stratum.domain == nil || record["domain"] as? String == stratum.domain)
                    && (stratum.mathLevel == nil || record["level"] as? Int == stratum.mathLevel)
            }
            let chosen = pool.sorted { fnv1a($0["id"] as! String) < fnv1a($1["id"] as! String) }.prefix(stratum.count)
            guard chosen.count == stratum.count else {
                throw BakeoffError(
                    "\(directory)/\(stratum.file).jsonl: stratum \(stratum.name) has \(chosen.count) records, needs \(stratum.count)"
                )
            }
            for record in chosen {
                documents.append(
                    BakeoffDocument(
                        id: record["id"] as! String, stratum: stratum.name, level: stratum.level,
                        text: record["text"] as! String,
                        referenceNumber: (record["final_answer_num"] as? NSNumber)?.doubleValue,
                        referenceAnswer: stratum.file.hasPrefix("math") ? record["answer"] as? String : nil))
            }
        }
        return documents
    }

    private static func read(_ path: String) throws -> [[String: Any]] {
        guard let data = FileManager.default.contents(atPath: path) else { throw BakeoffError("\(path): cannot read") }
        return try data.split(separator: UInt8(ascii: "\n")).map { line in
            guard let record = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                record["id"] is String, record["text"] is String
            else { throw BakeoffError("\(path): a line is not a record with id and text") }
            return record
        }
    }

    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return hash
    }
}

struct BakeoffError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
