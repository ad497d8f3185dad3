/// Read access to a model file's `tokenizer.*` key/values, without this module depending on a file format.
///
/// `GGUFMetadata` has exactly these accessors; a module that imports both GGUF and Tokenization declares the
/// conformance with one line: `extension GGUFMetadata: VocabularyMetadataSource {}`.
public protocol VocabularyMetadataSource {
    /// A string value, or `nil` when missing or not a string.
    func string(_ key: String) -> String?
    /// A bool value, or `nil` when missing or not a bool.
    func bool(_ key: String) -> Bool?
    /// An integer value that fits in `Int`, or `nil`.
    func int(_ key: String) -> Int?
    /// A string array, or `nil`.
    func stringArray(_ key: String) -> [String]?
    /// A float array, or `nil`.
    func floatArray(_ key: String) -> [Float]?
    /// An array of 32-bit integers, or `nil`.
    func int32Array(_ key: String) -> [Int32]?
}

extension Vocabulary {
    /// Builds a vocabulary from GGUF-style `tokenizer.ggml.*` keys.
    /// - Parameter metadata: The model's key/values.
    /// - Throws: `TokenizationError` with `missingField` when tokens or the model are missing, `unsupportedModel`
    ///   for a tokenizer model other than `gpt2` or `llama`, or `inconsistentVocabulary`.
    public init(metadata: some VocabularyMetadataSource) throws {
        guard let tokens = metadata.stringArray("tokenizer.ggml.tokens") else {
            throw TokenizationError(
                .missingField, "tokenizer.ggml.tokens is missing or not a string array; the model has no vocabulary")
        }
        guard let modelName = metadata.string("tokenizer.ggml.model") else {
            throw TokenizationError(.missingField, "tokenizer.ggml.model is missing; expected 'gpt2' or 'llama'")
        }
        guard let model = TokenizerModel(rawValue: modelName) else {
            throw TokenizationError(
                .unsupportedModel,
                "tokenizer.ggml.model is '\(modelName)'; supported: gpt2 (BPE), llama (SentencePiece)")
        }
        let rawTypes = metadata.int32Array("tokenizer.ggml.token_type") ?? []
        let types = rawTypes.map { TokenType(rawValue: $0) ?? .undefined }
        let scores = metadata.floatArray("tokenizer.ggml.scores") ?? []
        if model == .sentencePiece && scores.isEmpty {
            throw TokenizationError(
                .missingField, "tokenizer.ggml.scores is missing; the 'llama' tokenizer needs scores")
        }
        let merges = metadata.stringArray("tokenizer.ggml.merges") ?? []
        if model == .bytePairEncoding && merges.isEmpty {
            throw TokenizationError(
                .missingField, "tokenizer.ggml.merges is missing; the 'gpt2' tokenizer needs merges")
        }
        try self.init(
            tokens: tokens, scores: scores, tokenTypes: types, merges: merges, model: model,
            preTokenizer: metadata.string("tokenizer.ggml.pre") ?? "default",
            bosID: metadata.int("tokenizer.ggml.bos_token_id"),
            eosID: metadata.int("tokenizer.ggml.eos_token_id"),
            eotID: metadata.int("tokenizer.ggml.eot_token_id"),
            unknownID: metadata.int("tokenizer.ggml.unknown_token_id"),
            paddingID: metadata.int("tokenizer.ggml.padding_token_id"),
            addBOS: metadata.bool("tokenizer.ggml.add_bos_token") ?? (model == .sentencePiece),
            addEOS: metadata.bool("tokenizer.ggml.add_eos_token") ?? false,
            addSpacePrefix: metadata.bool("tokenizer.ggml.add_space_prefix") ?? (model == .sentencePiece)
        )
    }
}
