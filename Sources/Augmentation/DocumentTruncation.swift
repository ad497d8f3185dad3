import Tokenization

/// A document cut to a number of tokens at a token boundary and decoded back to text.
struct DocumentTruncation: Sendable {
    /// The kept text.
    var text: String
    /// The kept token ids (no special tokens).
    var tokens: [Int]
    /// Whether anything was cut.
    var truncated: Bool

    /// Bytes per token beyond which a prefix surely holds `maxTokens` tokens; used to avoid tokenizing the tail
    /// of very long documents.
    private static let prefixBytesPerToken = 64

    /// Tokenizes `document` (no special tokens added or parsed) and keeps its first `maxTokens` tokens.
    init(_ document: String, tokenizer: Tokenizer, maxTokens: Int) {
        precondition(maxTokens > 0, "maxTokens \(maxTokens) must be positive")
        let prefixBytes = maxTokens * Self.prefixBytesPerToken
        var tokens: [Int]
        if document.utf8.count > prefixBytes {
            let prefix = Self.validPrefix(Array(document.utf8.prefix(prefixBytes)))
            tokens = tokenizer.encode(prefix, addSpecial: false, parseSpecial: false)
            if tokens.count <= maxTokens { tokens = tokenizer.encode(document, addSpecial: false, parseSpecial: false) }
        } else {
            tokens = tokenizer.encode(document, addSpecial: false, parseSpecial: false)
        }
        guard tokens.count > maxTokens else {
            self.text = document
            self.tokens = tokens
            self.truncated = false
            return
        }
        let kept = Array(tokens.prefix(maxTokens))
        self.text = Self.validPrefix(tokenizer.decodeBytes(kept, unparseSpecial: true))
        self.tokens = kept
        self.truncated = true
    }

    /// The longest prefix of `bytes` that ends on a complete UTF-8 sequence, as a string.
    static func validPrefix(_ bytes: [UInt8]) -> String {
        var end = bytes.count
        // Step back over at most three continuation bytes to the last lead byte; drop it when incomplete.
        var back = 0
        while back < 4, end - back - 1 >= 0 {
            let byte = bytes[end - back - 1]
            if byte & 0xC0 != 0x80 {
                let length = byte < 0x80 ? 1 : byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
                if length > back + 1 { end -= back + 1 }
                break
            }
            back += 1
        }
        return String(decoding: bytes[..<end], as: UTF8.self)
    }
}
