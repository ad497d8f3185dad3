import Generation
import Randomness
import Tokenization

/// Renders augmentation prompts for one generator: truncates the document to the generator's tokens, applies a
/// ``PromptTemplate`` and wraps the result as one user turn in the generator's chat template.
///
/// The document is tokenized without parsing special tokens, but the rendered prompt is plain text: an engine that
/// parses special tokens in `.text` prompts will read a literal `<|im_end|>` inside a document as a control token.
public struct PromptBuilder: Sendable {
    /// The generator's tokenizer (used for truncation only).
    public let tokenizer: Tokenizer
    /// The generator's chat template.
    public let chatTemplate: ChatTemplate
    /// Documents are cut to this many generator tokens before prompting (the paper uses 2048).
    public let maxDocumentTokens: Int
    /// Whether the generator thinks natively (its chat template writes `<think>` itself): then templates that open
    /// the thinking block leave the assistant turn as the chat template opens it.
    public let nativeThinkingMode: Bool

    /// Creates a builder.
    ///
    /// - Parameters:
    ///   - tokenizer: the generator's tokenizer.
    ///   - chatTemplate: the generator's chat template.
    ///   - maxDocumentTokens: the truncation length in generator tokens; must be positive.
    ///   - nativeThinkingMode: whether the generator's chat template handles `<think>` itself
    ///     (``hasNativeThinkingMode(chatTemplateText:)``).
    public init(
        tokenizer: Tokenizer, chatTemplate: ChatTemplate, maxDocumentTokens: Int = 2048,
        nativeThinkingMode: Bool = false
    ) {
        precondition(maxDocumentTokens > 0, "maxDocumentTokens \(maxDocumentTokens) must be positive")
        self.tokenizer = tokenizer
        self.chatTemplate = chatTemplate
        self.maxDocumentTokens = maxDocumentTokens
        self.nativeThinkingMode = nativeThinkingMode
    }

    /// Whether a GGUF `tokenizer.chat_template` belongs to a model with a native thinking mode (Qwen3, DeepSeek-R1
    /// distills: the template itself mentions `<think>`).
    public static func hasNativeThinkingMode(chatTemplateText: String?) -> Bool {
        chatTemplateText?.contains("<think>") ?? false
    }

    /// Builds the prompt for `document`.
    ///
    /// - Parameters:
    ///   - document: the raw document text.
    ///   - template: the prompt template.
    ///   - seed: chooses the focus position of ``PromptTemplate/randomFocus``; ignored by other templates.
    public func build(document: String, template: PromptTemplate, seed: UInt64) -> AugmentationPrompt {
        let truncation = DocumentTruncation(document, tokenizer: tokenizer, maxTokens: maxDocumentTokens)
        var body = truncation.text
        var focusOffset: Int?
        if template.kind == .randomFocus {
            let characters = Array(body)
            let offset = Self.focusOffset(in: characters, seed: seed)
            body = String(characters[..<offset]) + PromptTemplate.focusMarker + String(characters[offset...])
            focusOffset = offset
        }
        let message = ChatMessage(role: "user", content: template.userMessage(document: body))
        var text = chatTemplate.render([message], addGenerationPrompt: true)
        if template.opensThinkingBlock && !nativeThinkingMode { text += PromptTemplate.openThinkingTag }
        return AugmentationPrompt(
            text: text, templateID: template.id,
            templateVersion: template.version, focusCharacterOffset: focusOffset,
            documentTruncated: truncation.truncated, documentTokenCount: truncation.tokens.count)
    }

    /// A seed-chosen `Character` offset in `0 ... characters.count`, moved to the nearest word start (a position
    /// after whitespace and before non-whitespace; ties go forward) when the text has one.
    static func focusOffset(in characters: [Character], seed: UInt64) -> Int {
        guard !characters.isEmpty else { return 0 }
        var random = SplitMix64(seed: seed)
        let target = Int(random.next() % UInt64(characters.count))
        func isWordStart(_ i: Int) -> Bool {
            i > 0 && i < characters.count && characters[i - 1].isWhitespace && !characters[i].isWhitespace
        }
        for distance in 0..<characters.count {
            if target + distance < characters.count, isWordStart(target + distance) { return target + distance }
            if target - distance > 0, isWordStart(target - distance) { return target - distance }
        }
        return target
    }
}

extension PromptBuilder {
    /// The document as the prompt uses it: cut to ``maxDocumentTokens`` generator tokens at a token boundary and
    /// decoded back to text (an incomplete trailing UTF-8 character dropped).
    public func truncatedDocument(_ document: String) -> String {
        DocumentTruncation(document, tokenizer: tokenizer, maxTokens: maxDocumentTokens).text
    }
}
