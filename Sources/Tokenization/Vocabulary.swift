/// Everything a tokenizer needs from a model file, as plain values.
///
/// `init` applies llama.cpp's load-time rules: tokens whose text marks them as end-of-turn or fill-in-the-middle
/// tokens become `control`, and the end-of-generation set is derived from their texts (see
/// `Vocabulary+SpecialTokens.swift`).
public struct Vocabulary: Sendable {
    /// The token texts, indexed by id (for byte-level BPE, in the GPT-2 byte-to-unicode alphabet).
    public let tokens: [String]
    /// The SentencePiece scores, indexed by id (empty for BPE vocabularies).
    public let scores: [Float]
    /// The token types after llama.cpp's overrides, indexed by id.
    public let tokenTypes: [TokenType]
    /// BPE merges, `"left right"`, in rank order (empty for SentencePiece).
    public let merges: [String]
    /// The tokenizer algorithm.
    public let model: TokenizerModel
    /// The pre-tokenizer name (`tokenizer.ggml.pre`: `smollm`, `qwen2`, `default`, ...).
    public let preTokenizer: String
    /// The beginning-of-sequence id, if any.
    public let bosID: Int?
    /// The end-of-sequence id, if any.
    public let eosID: Int?
    /// The end-of-turn id (from `tokenizer.ggml.eot_token_id`, else detected by text), if any.
    public let eotID: Int?
    /// The unknown-token id, if any.
    public let unknownID: Int?
    /// The padding id, if any.
    public let paddingID: Int?
    /// Whether `addSpecial` prepends BOS.
    public let addBOS: Bool
    /// Whether `addSpecial` appends EOS.
    public let addEOS: Bool
    /// Whether SentencePiece text gets a leading space.
    public let addSpacePrefix: Bool
    /// The ids that end generation, as llama.cpp derives them.
    public let endOfGenerationIDs: Set<Int>
    /// Text to id; for duplicate texts the highest id wins (as in llama.cpp).
    let idByText: [TokenText: Int]

    /// Creates a vocabulary and applies llama.cpp's special-token rules.
    /// - Parameters:
    ///   - tokens: Token texts by id.
    ///   - scores: Scores by id; required for `sentencePiece`, may be empty for BPE.
    ///   - tokenTypes: Types by id; empty means all `normal`.
    ///   - merges: BPE merges in rank order.
    ///   - model: The tokenizer algorithm.
    ///   - preTokenizer: The `tokenizer.ggml.pre` name.
    ///   - bosID, eosID, eotID, unknownID, paddingID: Special ids; `eotID` nil means detect by text.
    ///   - addBOS, addEOS, addSpacePrefix: The tokenizer flags.
    /// - Throws: `TokenizationError.Code.inconsistentVocabulary` when arrays disagree or ids are out of range.
    public init(
        tokens: [String], scores: [Float] = [], tokenTypes: [TokenType] = [], merges: [String] = [],
        model: TokenizerModel, preTokenizer: String = "default",
        bosID: Int? = nil, eosID: Int? = nil, eotID: Int? = nil, unknownID: Int? = nil, paddingID: Int? = nil,
        addBOS: Bool = false, addEOS: Bool = false, addSpacePrefix: Bool = false
    ) throws {
        let count = tokens.count
        guard scores.isEmpty || scores.count == count, tokenTypes.isEmpty || tokenTypes.count == count else {
            throw TokenizationError(
                .inconsistentVocabulary,
                "vocabulary has \(count) tokens but \(scores.count) scores and \(tokenTypes.count) token types; "
                    + "each must be empty or have one entry per token"
            )
        }
        for (name, id) in [
            ("bos", bosID), ("eos", eosID), ("eot", eotID), ("unknown", unknownID), ("padding", paddingID),
        ] {
            if let id, !(0..<count).contains(id) {
                throw TokenizationError(
                    .inconsistentVocabulary, "\(name) token id \(id) is outside the vocabulary of \(count) tokens")
            }
        }
        var idByText: [TokenText: Int] = [:]
        idByText.reserveCapacity(count)
        for (id, text) in tokens.enumerated() { idByText[TokenText(text)] = id }
        var types = tokenTypes.isEmpty ? [TokenType](repeating: .normal, count: count) : tokenTypes
        let special = SpecialTokenDetection(idByText: idByText, types: &types, eosID: eosID, eotID: eotID)

        self.tokens = tokens
        self.scores = scores
        self.tokenTypes = types
        self.merges = merges
        self.model = model
        self.preTokenizer = preTokenizer
        self.bosID = bosID
        self.eosID = eosID
        self.eotID = special.eotID
        self.unknownID = unknownID
        self.paddingID = paddingID
        self.addBOS = addBOS
        self.addEOS = addEOS
        self.addSpacePrefix = addSpacePrefix
        self.endOfGenerationIDs = special.endOfGenerationIDs
        self.idByText = idByText
    }

    /// The number of tokens.
    public var count: Int { tokens.count }

    /// The id whose text is exactly `text`, if any.
    public func id(forText text: String) -> Int? { idByText[TokenText(text)] }

    /// Whether generating `id` ends generation.
    public func isEndOfGeneration(_ id: Int) -> Bool { endOfGenerationIDs.contains(id) }
}
