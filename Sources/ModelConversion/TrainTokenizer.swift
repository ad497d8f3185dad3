import Tokenization

/// The tokenizer the model was trained with: the one samples' `tokenIDs` must be in.
public struct TrainTokenizer: Sendable {
    /// `manifest.tokenizer` values that name it.
    public var names: [String]
    /// The separator between packed documents.
    public var eosTokenID: Int
    /// The GGUF vocabulary, or `nil` for the byte tokenizer (id = UTF-8 byte).
    public var tokenizer: Tokenizer?

    /// Token ids of `text` (no BOS/EOS added).
    public func encode(_ text: String) -> [Int] {
        guard let tokenizer else { return text.utf8.map(Int.init) }
        return tokenizer.encode(text, addSpecial: false, parseSpecial: false)
    }
}
