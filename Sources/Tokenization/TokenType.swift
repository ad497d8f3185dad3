/// The type of a vocabulary entry, with the ids GGUF stores in `tokenizer.ggml.token_type`.
public enum TokenType: Int32, Sendable, CaseIterable {
    case undefined = 0
    case normal = 1
    case unknown = 2
    case control = 3
    case userDefined = 4
    case unused = 5
    case byte = 6

    /// Whether text matching this token is split out before the tokenizer model runs
    /// (user-defined always; control and unknown only when parsing special tokens).
    func isSplitOut(parseSpecial: Bool) -> Bool {
        switch self {
        case .userDefined: true
        case .control, .unknown: parseSpecial
        default: false
        }
    }
}
