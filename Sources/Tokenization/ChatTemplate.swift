/// A chat prompt format, recognized from a model's `tokenizer.chat_template` (or, without one, from its
/// vocabulary), rendering conversations the way llama.cpp does.
public enum ChatTemplate: Sendable, Equatable {
    /// `<|im_start|>role\ncontent<|im_end|>\n` turns. When the template inserts a default system message for
    /// conversations without one (SmolLM2, Qwen2.5), it is kept here.
    case chatML(defaultSystemMessage: String?)
    /// llama.cpp's built-in `gemma` template: `<start_of_turn>` turns, `assistant` renamed `model`, system text
    /// merged into the first user turn, contents trimmed.
    case gemma
    /// `role: content` lines, for models with no recognized template.
    case plain

    /// Recognizes a template.
    /// - Parameters:
    ///   - templateText: The Jinja source from `tokenizer.chat_template`, if any.
    ///   - vocabulary: Used when there is no template: a vocabulary with `<start_of_turn>` gets `gemma`, one with
    ///     `<|im_start|>` gets ChatML.
    public init(templateText: String?, vocabulary: Vocabulary? = nil) {
        if let templateText {
            if templateText.contains("<|im_start|>") {
                self = .chatML(defaultSystemMessage: Self.defaultSystemMessage(in: templateText))
            } else if templateText.contains("<start_of_turn>") {
                self = .gemma
            } else {
                self = .plain
            }
        } else if vocabulary?.id(forText: "<start_of_turn>") != nil {
            self = .gemma
        } else if vocabulary?.id(forText: "<|im_start|>") != nil {
            self = .chatML(defaultSystemMessage: nil)
        } else {
            self = .plain
        }
    }

    /// Renders a conversation into the prompt string.
    /// - Parameters:
    ///   - messages: The turns, in order.
    ///   - addGenerationPrompt: End with the opening of an assistant turn.
    public func render(_ messages: [ChatMessage], addGenerationPrompt: Bool = true) -> String {
        switch self {
        case .chatML(let defaultSystemMessage):
            var out = ""
            if let defaultSystemMessage, messages.first?.role != "system" {
                out += "<|im_start|>system\n\(defaultSystemMessage)<|im_end|>\n"
            }
            for message in messages { out += "<|im_start|>\(message.role)\n\(message.content)<|im_end|>\n" }
            if addGenerationPrompt { out += "<|im_start|>assistant\n" }
            return out
        case .gemma:
            return Self.renderGemma(messages, addGenerationPrompt: addGenerationPrompt)
        case .plain:
            var out = ""
            for message in messages { out += "\(message.role): \(message.content)\n" }
            if addGenerationPrompt { out += "assistant: " }
            return out
        }
    }

    private static func renderGemma(_ messages: [ChatMessage], addGenerationPrompt: Bool) -> String {
        var out = ""
        var systemPrompt = ""
        for message in messages {
            if message.role == "system" {
                systemPrompt += trimmed(message.content)
                continue
            }
            let role = message.role == "assistant" ? "model" : message.role
            out += "<start_of_turn>\(role)\n"
            if !systemPrompt.isEmpty && role != "model" {
                out += systemPrompt + "\n\n"
                systemPrompt = ""
            }
            out += trimmed(message.content) + "<end_of_turn>\n"
        }
        if addGenerationPrompt { out += "<start_of_turn>model\n" }
        return out
    }

    /// Trims ASCII whitespace, as llama.cpp's `trim`.
    private static func trimmed(_ text: String) -> String {
        let isSpace: (Unicode.Scalar) -> Bool = { [" ", "\t", "\n", "\r", "\u{0B}", "\u{0C}"].contains($0) }
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !isSpace($0) })!
        return String(scalars[first...last])
    }

    /// The literal system message a ChatML template writes when the conversation has none: the text of a
    /// `<|im_start|>system\n...<|im_end|>` literal that contains no template expression.
    static func defaultSystemMessage(in template: String) -> String? {
        var rest = template[...]
        while let open = rest.firstRange(of: "<|im_start|>system") {
            rest = rest[open.upperBound...]
            var body = rest
            if body.hasPrefix("\\n") {
                body = body.dropFirst(2)
            } else if body.hasPrefix("\n") {
                body = body.dropFirst()
            } else {
                continue
            }
            guard let close = body.firstRange(of: "<|im_end|>") else { return nil }
            let message = body[..<close.lowerBound]
            if !message.isEmpty && !message.contains(where: { "'\"{}+".contains($0) }) {
                return String(message).replacing("\\n", with: "\n")
            }
        }
        return nil
    }
}
