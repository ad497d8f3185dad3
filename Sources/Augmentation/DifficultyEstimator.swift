import Generation
import Shards
import Tokenization

/// Measures a document's ``DifficultyFeatures`` with the generator: structural features of the whole text, then
/// two prefills over the document cut to ``scoringTokens`` tokens — one for its mean per-token loss, one for the
/// rating prompt, whose next-token log-probabilities of the label tokens give the label probabilities (read, not
/// sampled). A remote backend reads only its server's top-N next tokens, so labels outside them count as 0.
public struct DifficultyEstimator: Sendable {
    /// The generator: the in-process engine or a remote completions server.
    public let backend: any GenerationBackend
    /// The generator's tokenizer.
    public let tokenizer: Tokenizer
    /// The generator's chat template.
    public let chatTemplate: ChatTemplate
    /// Documents are cut to this many tokens for the two scoring prefills (structural features see all of it).
    public let scoringTokens: Int
    private let ratingPrompt: RatingPrompt

    /// Creates an estimator.
    ///
    /// - Parameters:
    ///   - backend: the generator (an engine with the model loaded, or a remote server with the same tokenizer).
    ///   - tokenizer: the generator's tokenizer (`await engine.tokenizer`).
    ///   - chatTemplate: the generator's chat template.
    ///   - scoringTokens: the scoring truncation; the committed weights were fitted with the default, 128
    ///     (kept small so scoring costs far less than generating; the shared 2-core machine fitted 196 documents).
    public init(
        backend: any GenerationBackend, tokenizer: Tokenizer, chatTemplate: ChatTemplate, scoringTokens: Int = 128
    ) {
        precondition(scoringTokens > 1, "scoringTokens \(scoringTokens) must be at least 2")
        self.backend = backend
        self.tokenizer = tokenizer
        self.chatTemplate = chatTemplate
        self.scoringTokens = scoringTokens
        ratingPrompt = RatingPrompt(tokenizer: tokenizer, chatTemplate: chatTemplate)
    }

    /// The label token ids the rating reads, per level.
    public var ratingLabelTokenIDs: [ReasoningLevel: [Int]] { ratingPrompt.labelTokenIDs }

    /// Measures `document`.
    ///
    /// - Parameters:
    ///   - document: the raw document text.
    ///   - includeModelFeatures: measure the generator's loss and rating (two prefills); false gives structural
    ///     features only, for weights that use no model feature.
    /// - Throws: `AugmentationError` `.invalidDocument` when the document has no tokens, `.engineFailure` (the
    ///   cause is the backend's error) when the engine has no model, the rating prompt exceeds its context, or a
    ///   remote server fails.
    public func features(for document: String, includeModelFeatures: Bool = true) async throws -> DifficultyFeatures {
        let structural = StructuralFeatures(text: document)
        guard includeModelFeatures else {
            guard structural.nonWhitespaceCount > 0 else {
                throw AugmentationError(
                    .invalidDocument,
                    "document of \(document.utf8.count) bytes has no text; skip empty documents before scoring")
            }
            return DifficultyFeatures(structuralOnly: structural)
        }
        let truncation = DocumentTruncation(document, tokenizer: tokenizer, maxTokens: scoringTokens)
        guard !truncation.tokens.isEmpty else {
            throw AugmentationError(
                .invalidDocument,
                "document of \(document.utf8.count) bytes has no tokens; skip empty documents before scoring")
        }
        var lossTokens = truncation.tokens
        if tokenizer.vocabulary.addBOS, let bos = tokenizer.vocabulary.bosID { lossTokens.insert(bos, at: 0) }
        let logProbabilities: [Float]
        let labelLogProbabilities: [Int: Float]
        do {
            logProbabilities = try await backend.promptLogProbabilities(tokens: lossTokens)
            let labels = ratingPrompt.allLabelTokenIDs
            let values = try await backend.nextTokenLogProbabilities(
                tokens: ratingPrompt.tokens(document: truncation.text), candidates: labels)
            labelLogProbabilities = Dictionary(uniqueKeysWithValues: zip(labels, values))
        } catch {
            throw AugmentationError(
                .engineFailure,
                "scoring a document of \(truncation.tokens.count) tokens failed: \(error); load the generator and "
                    + "give the engine a context of at least scoringTokens + 200 tokens",
                cause: error)
        }
        let loss =
            logProbabilities.isEmpty
            ? 0 : -logProbabilities.reduce(0.0) { $0 + Double($1) } / Double(logProbabilities.count)
        let rating = ratingPrompt.probabilities(labelLogProbabilities: labelLogProbabilities)
        return DifficultyFeatures(
            structural: structural, meanTokenLoss: loss, ratingProbabilities: rating.normalized,
            ratingLabelMass: rating.mass, scoredTokenCount: logProbabilities.count,
            truncatedForScoring: truncation.truncated)
    }
}
