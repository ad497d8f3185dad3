extension PreTokenizer {
    /// One match of the GPT-2 regex at `i`, returning its end, or `nil`.
    static func matchGPT2(_ t: ScalarWindow, _ i: Int) -> Int? {
        if let end = t.contractionEnd(at: i, caseInsensitive: false) { return end }
        let afterSpace = t.scalar(i) == 0x20 ? i + 1 : i
        if t.isLetter(afterSpace) { return t.runEnd(from: afterSpace, t.isLetter) }  // ` ?\p{L}+`
        if t.isNumber(afterSpace) { return t.runEnd(from: afterSpace, t.isNumber) }  // ` ?\p{N}+`
        if t.isOther(afterSpace) { return t.runEnd(from: afterSpace, t.isOther) }  // ` ?[^\s\p{L}\p{N}]+`
        return t.trailingWhitespaceEnd(at: i)  // `\s+(?!\S)`
    }

    /// One match of the Qwen2 regex at `i`, returning its end, or `nil`.
    static func matchQwen2(_ t: ScalarWindow, _ i: Int) -> Int? {
        if let end = t.contractionEnd(at: i, caseInsensitive: true) { return end }
        // `[^\r\n\p{L}\p{N}]?\p{L}+`
        let optionalPrefix = i < t.end && !t.isNewline(i) && !t.isLetter(i) && !t.isNumber(i)
        if optionalPrefix && t.isLetter(i + 1) { return t.runEnd(from: i + 1, t.isLetter) }
        if t.isLetter(i) { return t.runEnd(from: i, t.isLetter) }
        if t.isNumber(i) { return i + 1 }  // `\p{N}`
        // ` ?[^\s\p{L}\p{N}]+[\r\n]*`
        let afterSpace = t.scalar(i) == 0x20 ? i + 1 : i
        if t.isOther(afterSpace) {
            let otherEnd = t.runEnd(from: afterSpace, t.isOther)
            return t.runEnd(from: otherEnd, t.isNewline)
        }
        // `\s*[\r\n]+`: up to and including the last newline of the whitespace run.
        let whitespaceEnd = t.runEnd(from: i, t.isWhitespace)
        if let lastNewline = (i..<whitespaceEnd).last(where: t.isNewline) { return lastNewline + 1 }
        if let end = t.trailingWhitespaceEnd(at: i) { return end }  // `\s+(?!\S)`
        return whitespaceEnd > i ? whitespaceEnd : nil  // `\s+`
    }
}
