/// Turns generated tokens into text one token at a time, holding back bytes until they form complete UTF-8
/// characters, so a character split across tokens (emoji, CJK, byte-fallback `<0xNN>` tokens) is never emitted
/// broken.
public struct StreamingDetokenizer: Sendable {
    private let tokenizer: Tokenizer
    private let special: Bool
    private var pending: [UInt8] = []

    /// Creates a detokenizer.
    /// - Parameters:
    ///   - tokenizer: The model's tokenizer.
    ///   - special: Render control tokens as their text (as llama.cpp's generation output does).
    public init(tokenizer: Tokenizer, special: Bool = true) {
        self.tokenizer = tokenizer
        self.special = special
    }

    /// Adds a token and returns the text that is now complete (possibly empty).
    public mutating func append(_ id: Int) -> String {
        pending.append(contentsOf: tokenizer.piece(for: id, special: special))
        let complete = Self.completePrefixLength(pending)
        guard complete > 0 else { return "" }
        let text = String(decoding: pending[..<complete], as: UTF8.self)
        pending.removeFirst(complete)
        return text
    }

    /// Returns whatever is still held back, with incomplete sequences replaced by U+FFFD, and resets.
    public mutating func finish() -> String {
        defer { pending.removeAll() }
        return String(decoding: pending, as: UTF8.self)
    }

    /// The number of held-back bytes.
    public var pendingByteCount: Int { pending.count }

    /// The length of the longest prefix that does not end inside an incomplete UTF-8 sequence.
    static func completePrefixLength(_ bytes: [UInt8]) -> Int {
        let end = bytes.count
        var i = end - 1
        while i >= 0 && i >= end - 4 {
            let byte = bytes[i]
            if byte & 0xC0 != 0x80 {  // a lead byte or ASCII
                let needed: Int
                switch byte {
                case 0xC0..<0xE0: needed = 2
                case 0xE0..<0xF0: needed = 3
                case 0xF0..<0xF8: needed = 4
                default: needed = 1
                }
                return end - i < needed ? i : end
            }
            i -= 1
        }
        return end
    }
}
