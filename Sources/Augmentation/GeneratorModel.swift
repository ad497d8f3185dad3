import Tokenization

/// What the method needs to know about its generator, read once from the model file by the caller: the name and
/// digest the shard manifest records (and the difficulty weights are keyed by), the tokenizer that makes prompts and
/// samples, and the chat template.
public struct GeneratorModel: Sendable {
    /// The model file's name, e.g. `qwen2.5-coder-1.5b-instruct-q4_k_m.gguf`.
    public var fileName: String
    /// The model file's sha256 (hex).
    public var sha256: String
    public var tokenizer: Tokenizer
    /// The chat template as the file states it (nil when it has none).
    public var chatTemplateText: String?
    /// The chat template as the prompt builder applies it.
    public var chatTemplate: ChatTemplate

    public init(
        fileName: String, sha256: String, tokenizer: Tokenizer, chatTemplateText: String?, chatTemplate: ChatTemplate
    ) {
        self.fileName = fileName
        self.sha256 = sha256
        self.tokenizer = tokenizer
        self.chatTemplateText = chatTemplateText
        self.chatTemplate = chatTemplate
    }
}
