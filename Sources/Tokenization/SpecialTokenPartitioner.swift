/// Splits text into raw-text fragments and special tokens, as llama.cpp's `tokenizer_st_partition`: special
/// tokens are taken longest first, and each one splits every remaining raw fragment at all its occurrences.
/// User-defined tokens always split; control and unknown tokens only when parsing special tokens.
struct SpecialTokenPartitioner: Sendable {
    enum Fragment: Equatable {
        case text(Range<Int>)
        case token(Int)
    }

    /// A byte trie over the special tokens' texts, used to find which of them occur in a text at all.
    private var children: [[(byte: UInt8, node: Int32)]] = [[]]  // [node]
    private var terminal: [Int32] = [-1]  // [node] -> token id
    /// Whether some special token starts with each byte.
    private var rootHasChild = [Bool](repeating: false, count: 256)  // [byte]
    /// Special token ids, longest text first (then lower id first).
    private let orderedIDs: [Int]
    private let texts: [Int: [UInt8]]
    private let types: [TokenType]

    init(vocabulary: Vocabulary) {
        let ids = vocabulary.tokenTypes.indices.filter {
            let type = vocabulary.tokenTypes[$0]
            return (type == .control || type == .userDefined || type == .unknown) && !vocabulary.tokens[$0].isEmpty
        }
        var texts: [Int: [UInt8]] = [:]
        for id in ids { texts[id] = Array(vocabulary.tokens[id].utf8) }
        orderedIDs = ids.sorted { texts[$0]!.count != texts[$1]!.count ? texts[$0]!.count > texts[$1]!.count : $0 < $1 }
        self.texts = texts
        types = vocabulary.tokenTypes
        for id in ids { insert(texts[id]!, id: id) }
        for (byte, _) in children[0] { rootHasChild[Int(byte)] = true }
    }

    private mutating func insert(_ bytes: [UInt8], id: Int) {
        var node = 0
        for byte in bytes {
            if let child = children[node].first(where: { $0.byte == byte })?.node {
                node = Int(child)
            } else {
                children.append([])
                terminal.append(-1)
                children[node].append((byte, Int32(children.count - 1)))
                node = children.count - 1
            }
        }
        terminal[node] = Int32(id)
    }

    /// The special tokens (eligible under `parseSpecial`) whose text occurs somewhere in `bytes`.
    private func occurringIDs(in bytes: [UInt8], parseSpecial: Bool) -> Set<Int> {
        var found: Set<Int> = []
        for start in bytes.indices {
            guard rootHasChild[Int(bytes[start])] else { continue }
            var node = 0
            var i = start
            while i < bytes.count, let child = children[node].first(where: { $0.byte == bytes[i] })?.node {
                node = Int(child)
                i += 1
                let id = Int(terminal[node])
                if id >= 0 && types[id].isSplitOut(parseSpecial: parseSpecial) { found.insert(id) }
            }
        }
        return found
    }

    /// Partitions `bytes` into fragments in text order.
    func partition(_ bytes: [UInt8], parseSpecial: Bool) -> [Fragment] {
        var fragments: [Fragment] = bytes.isEmpty ? [] : [.text(0..<bytes.count)]
        let occurring = occurringIDs(in: bytes, parseSpecial: parseSpecial)
        if occurring.isEmpty { return fragments }
        for id in orderedIDs where occurring.contains(id) {
            let needle = texts[id]!
            var result: [Fragment] = []
            for fragment in fragments {
                guard case .text(let range) = fragment else {
                    result.append(fragment)
                    continue
                }
                var start = range.lowerBound
                var i = range.lowerBound
                while i + needle.count <= range.upperBound {
                    if bytes[i] == needle[0] && bytes[i..<i + needle.count].elementsEqual(needle) {
                        if start < i { result.append(.text(start..<i)) }
                        result.append(.token(id))
                        i += needle.count
                        start = i
                    } else {
                        i += 1
                    }
                }
                if start < range.upperBound { result.append(.text(start..<range.upperBound)) }
            }
            fragments = result
        }
        return fragments
    }
}
