/// SentencePiece-style BPE (GGUF `llama`), as llama.cpp's `llm_tokenizer_spm`: spaces become `▁`, the text starts
/// as one symbol per UTF-8 character, and adjacent symbols whose concatenation is a token merge highest score
/// first (leftmost on ties). A final symbol that is not a token is written as `<0xNN>` byte tokens.
struct SentencePieceEncoder: Sendable {
    let vocabulary: Vocabulary
    /// The id of `<0xNN>` for each byte (-1 if missing).
    let byteTokenIDs: [Int]  // [256]
    let unknownID: Int?

    init(vocabulary: Vocabulary) {
        self.vocabulary = vocabulary
        byteTokenIDs = (0..<256).map { byte in
            let hex = String(byte, radix: 16, uppercase: true)
            return vocabulary.id(forText: "<0x\(hex.count == 1 ? "0" + hex : hex)>") ?? -1
        }
        unknownID = vocabulary.unknownID
    }

    /// Appends the tokens of one text fragment.
    /// - Parameters:
    ///   - bytes: The fragment's UTF-8 bytes.
    ///   - addSpacePrefix: Whether to prepend a space (before escaping).
    func encode(_ bytes: ArraySlice<UInt8>, addSpacePrefix: Bool, into output: inout [Int]) {
        var text: [UInt8] = []  // [byte], spaces escaped as U+2581
        text.reserveCapacity(bytes.count + 8)
        if addSpacePrefix { text.append(contentsOf: [0xE2, 0x96, 0x81]) }
        for byte in bytes {
            if byte == 0x20 { text.append(contentsOf: [0xE2, 0x96, 0x81]) } else { text.append(byte) }
        }
        guard !text.isEmpty else { return }

        var starts: [Int] = []  // [symbol]
        var offset = 0
        while offset < text.count {
            starts.append(offset)
            offset += min(Self.utf8Length(leadingByte: text[offset]), text.count - offset)
        }
        let n = starts.count
        var lengths = (0..<n).map { (i: Int) -> Int in (i + 1 < n ? starts[i + 1] : text.count) - starts[i] }
        var previous = Array(-1..<(n - 1))  // [symbol]
        var next = Array(1...n)  // [symbol]; n means none
        var queue = MergeQueue()

        func tokenID(_ start: Int, _ length: Int) -> Int? {
            text.withUnsafeBufferPointer { buffer in
                vocabulary.id(forText: String(decoding: buffer[start..<start + length], as: UTF8.self))
            }
        }
        func tryAdd(_ left: Int, _ right: Int) {
            guard left >= 0, right < n else { return }
            let length = lengths[left] + lengths[right]
            guard let id = tokenID(starts[left], length) else { return }
            let score = id < vocabulary.scores.count ? vocabulary.scores[id] : 0
            queue.push(.init(priority: -score, left: left, right: right, check: length))
        }
        for i in 0..<(n - 1) { tryAdd(i, i + 1) }
        while let candidate = queue.pop() {
            let left = candidate.left
            let right = candidate.right
            guard lengths[left] > 0, lengths[right] > 0, lengths[left] + lengths[right] == candidate.check else {
                continue
            }
            lengths[left] += lengths[right]
            lengths[right] = 0
            next[left] = next[right]
            if next[right] < n { previous[next[right]] = left }
            tryAdd(previous[left], left)
            tryAdd(left, next[left])
        }
        var i = 0
        while i < n {
            if let id = tokenID(starts[i], lengths[i]) {
                output.append(id)
            } else {
                for byte in text[starts[i]..<starts[i] + lengths[i]] {
                    let id = byteTokenIDs[Int(byte)]
                    if id >= 0 { output.append(id) } else if let unknownID { output.append(unknownID) }
                }
            }
            i = next[i]
        }
    }

    private static func utf8Length(leadingByte byte: UInt8) -> Int {
        switch byte {
        case 0..<0x80: 1
        case 0xC0..<0xE0: 2
        case 0xE0..<0xF0: 3
        case 0xF0...: 4
        default: 1
        }
    }
}
