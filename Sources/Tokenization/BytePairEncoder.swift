/// Byte-level BPE (GGUF `gpt2`): each pre-tokenized piece starts as one symbol per byte and adjacent symbols
/// merge lowest rank first (leftmost on ties) until no ranked pair remains.
struct BytePairEncoder: Sendable {
    /// The token id of each single byte's alphabet scalar (-1 if the vocabulary lacks it).
    let byteTokenIDs: [Int]  // [256]
    /// `(left id << 32 | right id)` to `(rank, merged id)`.
    let merges: [UInt64: (rank: Int32, merged: Int32)]
    let preTokenizer: PreTokenizer

    init(vocabulary: Vocabulary, preTokenizer: PreTokenizer) {
        byteTokenIDs = ByteLevelAlphabet.scalarForByte.map { vocabulary.id(forText: String($0)) ?? -1 }
        var merges: [UInt64: (rank: Int32, merged: Int32)] = [:]
        merges.reserveCapacity(vocabulary.merges.count)
        for (rank, merge) in vocabulary.merges.enumerated() {
            guard let space = merge.firstIndex(of: " ") else { continue }
            let leftText = merge[..<space]
            let rightText = merge[merge.index(after: space)...]
            guard let left = vocabulary.id(forText: String(leftText)),
                let right = vocabulary.id(forText: String(rightText)),
                let merged = vocabulary.id(forText: String(leftText) + String(rightText))
            else { continue }
            let key = UInt64(left) << 32 | UInt64(right)
            if merges[key] == nil { merges[key] = (Int32(rank), Int32(merged)) }
        }
        self.merges = merges
        self.preTokenizer = preTokenizer
    }

    /// Appends the tokens of `bytes` (one text fragment between special tokens) to `output`.
    func encode(_ bytes: ArraySlice<UInt8>, into output: inout [Int], cache: inout [ArraySlice<UInt8>: [Int]]) {
        for range in preTokenizer.split(bytes) {
            let piece = bytes[range]
            if let cached = cache[piece] {
                output.append(contentsOf: cached)
                continue
            }
            let tokens = encodePiece(piece)
            if cache.count < 100_000 { cache[piece] = tokens }
            output.append(contentsOf: tokens)
        }
    }

    private func encodePiece(_ piece: ArraySlice<UInt8>) -> [Int] {
        var ids = piece.map { byteTokenIDs[Int($0)] }  // [symbol]
        let n = ids.count
        if n < 2 { return ids.filter { $0 >= 0 } }
        var previous = Array(-1..<(n - 1))  // [symbol]
        var next = Array(1...n)  // [symbol]; n means none
        var alive = [Bool](repeating: true, count: n)  // [symbol]
        var queue = MergeQueue()

        func tryAdd(_ left: Int, _ right: Int) {
            guard left >= 0, right < n, ids[left] >= 0, ids[right] >= 0 else { return }
            guard let merge = merges[UInt64(ids[left]) << 32 | UInt64(ids[right])] else { return }
            queue.push(.init(priority: Float(merge.rank), left: left, right: right, check: Int(merge.merged)))
        }
        for i in 0..<(n - 1) { tryAdd(i, i + 1) }
        while let candidate = queue.pop() {
            let left = candidate.left
            let right = candidate.right
            guard alive[left], alive[right], next[left] == right,
                let merge = merges[UInt64(ids[left]) << 32 | UInt64(ids[right])], Int(merge.merged) == candidate.check
            else { continue }
            ids[left] = Int(merge.merged)
            alive[right] = false
            next[left] = next[right]
            if next[right] < n { previous[next[right]] = left }
            tryAdd(previous[left], left)
            tryAdd(left, next[left])
        }
        var result: [Int] = []
        var i = 0
        while i < n {
            if ids[i] >= 0 { result.append(ids[i]) }
            i = next[i]
        }
        return result
    }
}
