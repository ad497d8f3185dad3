/// A rendered augmentation prompt and what was done to the document to build it.
public struct AugmentationPrompt: Sendable, Hashable, Codable {
    /// The whole prompt: one user turn in the generator's chat template, ending with the assistant's generation
    /// prompt. Pass it to the engine as `.text`.
    public var text: String
    /// ``PromptTemplate/id`` of the template used.
    public var templateID: String
    /// ``PromptTemplate/version`` of the template used.
    public var templateVersion: Int
    /// For ``PromptTemplate/randomFocus``: where the marker was inserted, in `Character`s from the start of the
    /// (truncated) document; nil for other templates.
    public var focusCharacterOffset: Int?
    /// Whether the document was cut to ``PromptBuilder/maxDocumentTokens``.
    public var documentTruncated: Bool
    /// Generator tokens of the document as used in the prompt (after truncation).
    public var documentTokenCount: Int

    /// Creates a prompt value.
    public init(
        text: String, templateID: String, templateVersion: Int, focusCharacterOffset: Int?, documentTruncated: Bool,
        documentTokenCount: Int
    ) {
        self.text = text
        self.templateID = templateID
        self.templateVersion = templateVersion
        self.focusCharacterOffset = focusCharacterOffset
        self.documentTruncated = documentTruncated
        self.documentTokenCount = documentTokenCount
    }
}
