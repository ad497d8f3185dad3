/// A transformer family this engine runs, named as GGUF's `general.architecture` names it.
public enum ModelArchitecture: String, Sendable, CaseIterable {
    /// Llama (SmolLM2): RMSNorm, SwiGLU, RoPE on adjacent pairs, optional tied output.
    case llama
    /// Qwen2 / Qwen2.5: llama plus Q, K and V biases; RoPE NeoX.
    case qwen2
    /// Qwen3: llama plus per-head RMSNorm on Q and K before RoPE; RoPE NeoX.
    case qwen3
    /// Gemma 3: post-attention and post-FFN norms, per-head Q/K norms, GELU-tanh FFN, embeddings scaled by
    /// sqrt(d), sliding-window layers with their own RoPE base; RoPE NeoX.
    case gemma3

    /// The names `general.architecture` may hold, for error messages.
    public static var supportedNames: String { allCases.map(\.rawValue).joined(separator: ", ") }

    /// How RoPE pairs the dimensions of a head (llama.cpp's `LLAMA_ROPE_TYPE_NORM` vs `_NEOX`).
    public enum RotaryStyle: Sendable {
        /// Rotates adjacent pairs `(x[2i], x[2i+1])`.
        case adjacentPairs
        /// Rotates halves `(x[i], x[i + d/2])`.
        case halves
    }

    /// llama.cpp's rope type for this architecture: llama is NORM, the others NeoX.
    public var rotaryStyle: RotaryStyle { self == .llama ? .adjacentPairs : .halves }

    /// Whether Q, K and V projections carry bias vectors.
    var hasAttentionBiases: Bool { self == .qwen2 }

    /// Whether each head of Q and K is RMS-normalized before RoPE.
    var hasQueryKeyNorms: Bool { self == .qwen3 || self == .gemma3 }

    /// Whether attention and FFN outputs are RMS-normalized before the residual add.
    var hasPostNorms: Bool { self == .gemma3 }
}
