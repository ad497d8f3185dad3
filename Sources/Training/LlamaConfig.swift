// Shape of a Llama-family decoder.
// Legend: V = vocab, C = dModel, L = nLayers, nHeads/nKVHeads = query/key-value heads, headDim = per-head width,
// F = ffnHidden.

/// Hyperparameters of a Llama-family decoder (RMSNorm, RoPE "normal" adjacent-pair form, GQA, SwiGLU).
public struct LlamaConfig: Sendable, Equatable {
    /// Vocabulary size V.
    public var vocab: Int
    /// Residual width C.
    public var dModel: Int
    /// Number of decoder blocks L.
    public var nLayers: Int
    /// Number of query heads.
    public var nHeads: Int
    /// Number of key/value heads (GQA); divides `nHeads`.
    public var nKVHeads: Int
    /// Width of one head.
    public var headDim: Int
    /// Hidden width F of the SwiGLU feed-forward block.
    public var ffnHidden: Int
    /// RMSNorm epsilon.
    public var rmsEps: Float
    /// RoPE frequency base.
    public var ropeBase: Float
    /// Whether the LM head reuses `token_embd.weight`.
    public var tiedEmbeddings: Bool

    /// Creates a configuration; sizes are checked with `precondition`.
    ///
    /// - Parameters: one per stored property.
    public init(
        vocab: Int, dModel: Int, nLayers: Int, nHeads: Int, nKVHeads: Int, headDim: Int, ffnHidden: Int,
        rmsEps: Float = 1e-5, ropeBase: Float = 10_000, tiedEmbeddings: Bool = true
    ) {
        precondition(vocab > 0 && dModel > 0 && nLayers > 0 && headDim > 0 && ffnHidden > 0, "sizes must be positive")
        precondition(nHeads > 0 && nKVHeads > 0 && nHeads % nKVHeads == 0, "nKVHeads must divide nHeads")
        precondition(headDim % 2 == 0, "RoPE needs an even headDim, got \(headDim)")
        self.vocab = vocab
        self.dModel = dModel
        self.nLayers = nLayers
        self.nHeads = nHeads
        self.nKVHeads = nKVHeads
        self.headDim = headDim
        self.ffnHidden = ffnHidden
        self.rmsEps = rmsEps
        self.ropeBase = ropeBase
        self.tiedEmbeddings = tiedEmbeddings
    }

    /// Width of all query heads together, `nHeads * headDim`.
    public var qDim: Int { nHeads * headDim }
    /// Width of all key (or value) heads together, `nKVHeads * headDim`.
    public var kvDim: Int { nKVHeads * headDim }

    /// The tiny reference model of `shared/golden/trainer` (vocab 256, d 64, 2 layers, 4/2 heads, head_dim 16).
    public static let tiny = LlamaConfig(
        vocab: 256, dModel: 64, nLayers: 2, nHeads: 4, nKVHeads: 2, headDim: 16, ffnHidden: 128,
        rmsEps: 1e-5, ropeBase: 10_000, tiedEmbeddings: true)

    /// A small byte-level model for CPU experiments, about 0.8 M parameters (vocab 256, d 128, 4 layers, 4/2 heads,
    /// head_dim 32, ffn 384): nine times `tiny`, enough to memorize a few hundred documents repeated for many epochs.
    public static let small = LlamaConfig(
        vocab: 256, dModel: 128, nLayers: 4, nHeads: 4, nKVHeads: 2, headDim: 32, ffnHidden: 384,
        rmsEps: 1e-5, ropeBase: 10_000, tiedEmbeddings: true)

    /// The SmolLM2-135M shape (vocab 49152, d 576, 30 layers, 9/3 heads, head_dim 64, ffn 1536, rope 100000).
    public static let smolLM2_135M = LlamaConfig(
        vocab: 49_152, dModel: 576, nLayers: 30, nHeads: 9, nKVHeads: 3, headDim: 64, ffnHidden: 1536,
        rmsEps: 1e-5, ropeBase: 100_000, tiedEmbeddings: true)
}
