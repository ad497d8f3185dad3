/// A view of `ScalarText` that ends at `end`, so the scanners see a piece as if it were the whole input
/// (lookaheads such as `(?!\S)` stop at the piece's end, as when llama.cpp runs a regex on one piece).
struct ScalarWindow {
    let text: ScalarText
    let end: Int

    func isLetter(_ i: Int) -> Bool { i < end && text.isLetter(i) }
    func isNumber(_ i: Int) -> Bool { i < end && text.isNumber(i) }
    func isWhitespace(_ i: Int) -> Bool { i < end && text.isWhitespace(i) }
    func isOther(_ i: Int) -> Bool { i < end && text.isOther(i) }
    func isNewline(_ i: Int) -> Bool { i < end && text.isNewline(i) }
    func scalar(_ i: Int) -> UInt32 { i < end ? text.values[i] : 0 }

    func runEnd(from i: Int, _ predicate: (Int) -> Bool) -> Int {
        var j = i
        while j < end && predicate(j) { j += 1 }
        return j
    }

    /// The end of an English contraction (`'s 't 're 've 'm 'll 'd`) at `i`, or `nil`.
    func contractionEnd(at i: Int, caseInsensitive: Bool) -> Int? {
        guard scalar(i) == 0x27 else { return nil }
        func letter(_ k: Int) -> UInt32 {
            let c = scalar(k)
            return caseInsensitive && (0x41...0x5A).contains(c) ? c + 0x20 : c
        }
        switch letter(i + 1) {
        case 0x73, 0x74, 0x6D, 0x64: return i + 2  // s t m d
        case 0x72, 0x76: return letter(i + 2) == 0x65 ? i + 3 : nil  // re ve
        case 0x6C: return letter(i + 2) == 0x6C ? i + 3 : nil  // ll
        default: return nil
        }
    }

    /// `\s+(?!\S)` at `i`: the whole whitespace run at the end of the input, else the run minus its last scalar.
    func trailingWhitespaceEnd(at i: Int) -> Int? {
        let runEnd = runEnd(from: i, isWhitespace)
        if runEnd == i { return nil }
        if runEnd == end { return runEnd }
        return runEnd - i > 1 ? runEnd - 1 : nil
    }
}
