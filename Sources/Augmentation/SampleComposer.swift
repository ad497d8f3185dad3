import Tokenization

/// Builds training samples in the one frozen format, version ``formatVersion``:
///
/// ```
/// <document>\n\n<think>\n<thinking>\n</think>\n
/// ```
///
/// The document is used exactly as given; the thinking is cleaned by ``cleanedThinking(_:)``. No instruction text
/// is included: plain next-token loss over all of it needs no mask, but the spans let a trainer choose one.
public struct SampleComposer: Sendable {
    /// The format version; a change to the separators or cleaning makes a new version.
    public static let formatVersion = 1
    /// Text between the document and the thinking.
    public static let openingSeparator = "\n\n<think>\n"
    /// Text after the thinking.
    public static let closingSeparator = "\n</think>\n"
    /// The stop string to give the engine when generating thinking (the model's own `</think>` ends it).
    public static let thinkingStopString = "</think>"

    /// Creates a composer.
    public init() {}

    /// The thinking as it goes into a sample: anything from the first `</think>` on dropped, a leading `<think>`
    /// tag dropped, then whitespace and newlines trimmed at both ends.
    public static func cleanedThinking(_ raw: String) -> String {
        var text = Substring(raw)
        if let close = text.firstRange(of: "</think>") { text = text[..<close.lowerBound] }
        text = text.drop(while: { $0.isWhitespace })
        if text.hasPrefix("<think>") { text = text.dropFirst("<think>".count) }
        return String(text).trimmingWhitespace()
    }

    /// Composes a sample and tokenizes it for a trainer.
    ///
    /// Each part (document, opening separator, thinking, closing separator) is tokenized on its own, without
    /// special tokens, so span boundaries are token boundaries; with a byte-level BPE tokenizer the tokens decode
    /// to the text exactly. Special-token text inside the document stays plain text.
    ///
    /// - Parameters:
    ///   - document: the document.
    ///   - thinking: the generated thinking, raw.
    ///   - tokenizer: the trainer's tokenizer.
    public func compose(document: String, thinking: String, tokenizer: Tokenizer) -> ComposedSample {
        let cleaned = Self.cleanedThinking(thinking)
        let parts = [document, Self.openingSeparator, cleaned, Self.closingSeparator]
        var tokens: [Int] = []
        var tokenBounds: [Int] = [0]
        var byteBounds: [Int] = [0]
        for part in parts {
            tokens += tokenizer.encode(part, addSpecial: false, parseSpecial: false)
            tokenBounds.append(tokens.count)
            byteBounds.append(byteBounds.last! + part.utf8.count)
        }
        return ComposedSample(
            text: parts.joined(), textByteCount: byteBounds[4], documentSpan: byteBounds[0]..<byteBounds[1],
            thinkingSpan: byteBounds[2]..<byteBounds[3], tokens: tokens,
            documentTokenRange: tokenBounds[0]..<tokenBounds[1], thinkingTokenRange: tokenBounds[2]..<tokenBounds[3])
    }
}

extension String {
    /// The string without leading and trailing whitespace (newlines included).
    func trimmingWhitespace() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }) else { return "" }
        let last = lastIndex(where: { !$0.isWhitespace })!
        return String(self[first...last])
    }
}
