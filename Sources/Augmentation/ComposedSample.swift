/// One training sample: text, its trainer-tokenizer tokens, and where the document and the thinking are in both.
public struct ComposedSample: Sendable, Hashable, Codable {
    /// The sample text (``SampleComposer`` format ``SampleComposer/formatVersion``).
    public var text: String
    /// `text.utf8.count`.
    public var textByteCount: Int
    /// The document's UTF-8 byte range in `text`.
    public var documentSpan: Range<Int>
    /// The thinking's UTF-8 byte range in `text` (without the `<think>` tags).
    public var thinkingSpan: Range<Int>
    /// The trainer tokenizer's ids for `text`, no BOS or EOS added; they decode back to `text` exactly.
    public var tokens: [Int]
    /// The document's tokens in `tokens`.
    public var documentTokenRange: Range<Int>
    /// The thinking's tokens in `tokens`.
    public var thinkingTokenRange: Range<Int>

    /// Creates a sample value.
    public init(
        text: String, textByteCount: Int, documentSpan: Range<Int>, thinkingSpan: Range<Int>, tokens: [Int],
        documentTokenRange: Range<Int>, thinkingTokenRange: Range<Int>
    ) {
        self.text = text
        self.textByteCount = textByteCount
        self.documentSpan = documentSpan
        self.thinkingSpan = thinkingSpan
        self.tokens = tokens
        self.documentTokenRange = documentTokenRange
        self.thinkingTokenRange = thinkingTokenRange
    }
}
