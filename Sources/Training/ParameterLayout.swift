// Where each named tensor lives inside the flat parameter (and gradient, and optimizer-state) buffer.
// Legend: V = vocab, C = dModel, F = ffnHidden, qDim = nHeads*headDim, kvDim = nKVHeads*headDim.
// Shapes are row-major [rows, columns]; a weight [out, in] computes y = W x (ggml ne0 = in).

/// One named tensor inside the flat buffer.
public struct ParameterTensor: Sendable, Equatable {
    /// llama.cpp tensor name, e.g. `blk.0.attn_q.weight`.
    public var name: String
    /// Offset in elements from the start of the flat buffer.
    public var offset: Int
    /// Row-major shape, outermost first (`[out, in]` for weights, `[C]` for norms).
    public var shape: [Int]
    /// Number of elements.
    public var count: Int { shape.reduce(1, *) }
    /// Whether AdamW decays it (2-D weights only).
    public var isDecayed: Bool { shape.count == 2 }
}

/// Offsets of one decoder block's tensors in the flat buffer.
public struct LayerOffsets: Sendable, Equatable {
    /// `attn_norm.weight` [C]
    public var attnNorm: Int
    /// `attn_q.weight` [qDim, C]
    public var attnQ: Int
    /// `attn_k.weight` [kvDim, C]
    public var attnK: Int
    /// `attn_v.weight` [kvDim, C]
    public var attnV: Int
    /// `attn_output.weight` [C, qDim]
    public var attnOutput: Int
    /// `ffn_norm.weight` [C]
    public var ffnNorm: Int
    /// `ffn_gate.weight` [F, C]
    public var ffnGate: Int
    /// `ffn_up.weight` [F, C]
    public var ffnUp: Int
    /// `ffn_down.weight` [C, F]
    public var ffnDown: Int
}

/// The table of named tensors for a ``LlamaConfig``, in llama.cpp names and a fixed order.
public struct ParameterLayout: Sendable {
    /// Every tensor, in buffer order.
    public let tensors: [ParameterTensor]
    /// Total number of parameters.
    public let count: Int
    /// `token_embd.weight` [V, C]
    public let tokenEmbedding: Int
    /// `output_norm.weight` [C]
    public let outputNorm: Int
    /// `output.weight` [V, C], or `nil` when tied to `token_embd.weight`.
    public let output: Int?
    /// Per-block offsets.
    public let layers: [LayerOffsets]

    /// Lays out all tensors of `config` contiguously.
    ///
    /// - Parameters:
    ///   - config: the model shape.
    public init(config: LlamaConfig) {
        var tensors: [ParameterTensor] = []
        var next = 0
        func add(_ name: String, _ shape: [Int]) -> Int {
            let tensor = ParameterTensor(name: name, offset: next, shape: shape)
            tensors.append(tensor)
            next += tensor.count
            return tensor.offset
        }
        let C = config.dModel
        let F = config.ffnHidden
        tokenEmbedding = add("token_embd.weight", [config.vocab, C])
        var layers: [LayerOffsets] = []
        for l in 0..<config.nLayers {
            let prefix = "blk.\(l)."
            layers.append(
                LayerOffsets(
                    attnNorm: add(prefix + "attn_norm.weight", [C]),
                    attnQ: add(prefix + "attn_q.weight", [config.qDim, C]),
                    attnK: add(prefix + "attn_k.weight", [config.kvDim, C]),
                    attnV: add(prefix + "attn_v.weight", [config.kvDim, C]),
                    attnOutput: add(prefix + "attn_output.weight", [C, config.qDim]),
                    ffnNorm: add(prefix + "ffn_norm.weight", [C]),
                    ffnGate: add(prefix + "ffn_gate.weight", [F, C]),
                    ffnUp: add(prefix + "ffn_up.weight", [F, C]),
                    ffnDown: add(prefix + "ffn_down.weight", [C, F])))
        }
        outputNorm = add("output_norm.weight", [C])
        output = config.tiedEmbeddings ? nil : add("output.weight", [config.vocab, C])
        self.layers = layers
        self.tensors = tensors
        self.count = next
    }

    /// The tensor called `name`, or `nil`.
    ///
    /// - Parameters:
    ///   - name: a llama.cpp tensor name.
    public func tensor(named name: String) -> ParameterTensor? {
        tensors.first { $0.name == name }
    }
}
