import Foundation
import GGUF

/// The shape and constants of a transformer, read from GGUF metadata (`<arch>.*` keys) as llama.cpp reads them.
public struct ModelHyperparameters: Sendable, Equatable {
    public var architecture: ModelArchitecture
    /// Transformer blocks.
    public var layerCount: Int
    /// Model width `d` (`embedding_length`).
    public var embeddingLength: Int
    /// FFN hidden width.
    public var feedForwardLength: Int
    /// Query heads.
    public var headCount: Int
    /// Key/value heads (GQA groups).
    public var keyValueHeadCount: Int
    /// Per-head width of Q and K (and V).
    public var headDimension: Int
    /// Dimensions of each head that RoPE rotates.
    public var rotaryDimensions: Int
    /// The vocabulary size (rows of the embedding).
    public var vocabularySize: Int
    /// The context length the model was trained with.
    public var trainedContextLength: Int
    /// RMSNorm epsilon.
    public var normEpsilon: Float
    /// RoPE base on full-attention layers.
    public var ropeFrequencyBase: Float
    /// RoPE base on sliding-window layers (gemma3: 10 000).
    public var ropeFrequencyBaseSlidingWindow: Float
    /// Sliding-window size in positions, or nil when every layer attends to the whole context.
    public var slidingWindow: Int?
    /// Every `slidingWindowPattern`-th layer (1-based) uses full attention; the others the window.
    public var slidingWindowPattern: Int
    /// The scale on Q·K (1/sqrt(headDimension), or gemma3's query_pre_attn_scalar).
    public var attentionScale: Float
    /// The scale applied to token embeddings (gemma3: sqrt(d)).
    public var embeddingScale: Float?

    /// Query width `nHeads * headDim`.
    public var queryDimension: Int { headCount * headDimension }
    /// Key/value width `nKVHeads * headDim`.
    public var keyValueDimension: Int { keyValueHeadCount * headDimension }

    /// Whether `layer` attends through the sliding window.
    public func usesSlidingWindow(layer: Int) -> Bool {
        guard slidingWindow != nil, slidingWindowPattern > 0 else { return false }
        return layer % slidingWindowPattern < slidingWindowPattern - 1
    }

    /// Reads the hyperparameters of `file`'s architecture.
    ///
    /// - Parameters:
    ///   - metadata: the GGUF metadata.
    ///   - source: the file path, for error messages.
    /// - Throws: `InferenceError` `.unsupportedArchitecture` or `.missingMetadata`, naming the key.
    public init(metadata: GGUFMetadata, source: String) throws {
        guard let name = metadata.string("general.architecture") else {
            throw InferenceError(
                .missingMetadata,
                "\(source): no 'general.architecture' key; supported: \(ModelArchitecture.supportedNames)")
        }
        guard let architecture = ModelArchitecture(rawValue: name) else {
            throw InferenceError(
                .unsupportedArchitecture,
                "\(source): architecture '\(name)' is not supported; supported: \(ModelArchitecture.supportedNames)")
        }
        func required(_ key: String) throws -> Int {
            guard let value = metadata.int("\(name).\(key)") else {
                throw InferenceError(
                    .missingMetadata, "\(source): metadata key '\(name).\(key)' is missing or not an integer")
            }
            return value
        }
        self.architecture = architecture
        layerCount = try required("block_count")
        embeddingLength = try required("embedding_length")
        feedForwardLength = try required("feed_forward_length")
        headCount = try required("attention.head_count")
        keyValueHeadCount = metadata.int("\(name).attention.head_count_kv") ?? headCount
        headDimension = metadata.int("\(name).attention.key_length") ?? embeddingLength / max(headCount, 1)
        rotaryDimensions = metadata.int("\(name).rope.dimension_count") ?? headDimension
        trainedContextLength = try required("context_length")
        vocabularySize = metadata.int("\(name).vocab_size") ?? metadata.array("tokenizer.ggml.tokens")?.count ?? 0
        normEpsilon = metadata.float("\(name).attention.layer_norm_rms_epsilon") ?? 1e-5
        ropeFrequencyBase = metadata.float("\(name).rope.freq_base") ?? 10_000
        ropeFrequencyBaseSlidingWindow = ropeFrequencyBase
        slidingWindow = nil
        slidingWindowPattern = 0
        attentionScale = 1 / sqrtf(Float(headDimension))
        embeddingScale = nil
        if architecture == .gemma3 {
            // llama.cpp (llama-model.cpp, LLM_ARCH_GEMMA3): pattern 6, local RoPE base 10 000, embeddings * sqrt(d).
            slidingWindow = metadata.int("gemma3.attention.sliding_window")
            slidingWindowPattern = 6
            ropeFrequencyBaseSlidingWindow = 10_000
            embeddingScale = sqrtf(Float(embeddingLength))
            if let scalar = metadata.float("gemma3.attention.query_pre_attn_scalar") {
                attentionScale = 1 / sqrtf(scalar)
            }
        }
        guard headCount > 0, keyValueHeadCount > 0, headCount % keyValueHeadCount == 0 else {
            throw InferenceError(
                .missingMetadata,
                "\(source): head_count \(headCount) is not a positive multiple of head_count_kv \(keyValueHeadCount)")
        }
    }
}
