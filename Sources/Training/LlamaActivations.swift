// Activations kept from the forward pass for the backward pass, and the gradient scratch the backward pass reuses.
// Legend: B = batch, T = positions, N = B*T, C = dModel, F = ffnHidden, V = vocab, qDim = nHeads*headDim,
// kvDim = nKVHeads*headDim.
import Tensors

/// What one decoder block keeps from its forward pass.
final class LayerActivations {
    let attnNormOut: FloatBuffer  // [N, C]
    let attnRstd: FloatBuffer  // [N]
    let q: FloatBuffer  // [N, qDim] after RoPE
    let k: FloatBuffer  // [N, kvDim] after RoPE
    let v: FloatBuffer  // [N, kvDim]
    let att: FloatBuffer  // [B, nHeads, T, T]
    let attnOut: FloatBuffer  // [N, qDim] before attn_output
    let residualMid: FloatBuffer  // [N, C] input + attention
    let ffnNormOut: FloatBuffer  // [N, C]
    let ffnRstd: FloatBuffer  // [N]
    let gate: FloatBuffer  // [N, F]
    let up: FloatBuffer  // [N, F]
    let swiglu: FloatBuffer  // [N, F]

    init(config: LlamaConfig, B: Int, T: Int) {
        let N = B * T
        attnNormOut = FloatBuffer(count: N * config.dModel)
        attnRstd = FloatBuffer(count: N)
        q = FloatBuffer(count: N * config.qDim)
        k = FloatBuffer(count: N * config.kvDim)
        v = FloatBuffer(count: N * config.kvDim)
        att = FloatBuffer(count: B * config.nHeads * T * T)
        attnOut = FloatBuffer(count: N * config.qDim)
        residualMid = FloatBuffer(count: N * config.dModel)
        ffnNormOut = FloatBuffer(count: N * config.dModel)
        ffnRstd = FloatBuffer(count: N)
        gate = FloatBuffer(count: N * config.ffnHidden)
        up = FloatBuffer(count: N * config.ffnHidden)
        swiglu = FloatBuffer(count: N * config.ffnHidden)
    }
}

/// All activations of one forward pass over a `[B, T]` batch, plus backward scratch.
final class LlamaActivations {
    let B: Int
    let T: Int
    let residuals: [FloatBuffer]  // L + 1 of [N, C]: embeddings, then each block's output
    let layers: [LayerActivations]
    let finalNormOut: FloatBuffer  // [N, C]
    let finalRstd: FloatBuffer  // [N]
    let logits: FloatBuffer  // [N, V] logits, then probabilities, then dlogits
    var inputs: [Int32]  // [N]
    var targets: [Int32]  // [N]
    var targetWeights: [Float]?  // [N] loss weights, nil = all ones
    var segmentStarts: [Int32]?  // [N] first attendable position per query, nil = plain causal
    var positionLosses: [Float] = []  // [N] -log p(target) of the last forward
    var weightSum: Double = 0  // sum of targetWeights (N when nil)

    let dResidual: FloatBuffer  // [N, C] gradient flowing down the residual stream
    let dNorm: FloatBuffer  // [N, C]
    let dq: FloatBuffer  // [N, qDim]
    let dk: FloatBuffer  // [N, kvDim]
    let dv: FloatBuffer  // [N, kvDim]
    let dAttnOut: FloatBuffer  // [N, qDim]
    let dAtt: FloatBuffer  // [B, nHeads, T, T] attention backward scratch
    let dGate: FloatBuffer  // [N, F]
    let dUp: FloatBuffer  // [N, F]
    let dSwiglu: FloatBuffer  // [N, F]

    init(config: LlamaConfig, B: Int, T: Int) {
        self.B = B
        self.T = T
        let N = B * T
        let C = config.dModel
        residuals = (0...config.nLayers).map { _ in FloatBuffer(count: N * C) }
        layers = (0..<config.nLayers).map { _ in LayerActivations(config: config, B: B, T: T) }
        finalNormOut = FloatBuffer(count: N * C)
        finalRstd = FloatBuffer(count: N)
        logits = FloatBuffer(count: N * config.vocab)
        inputs = []
        targets = []
        dResidual = FloatBuffer(count: N * C)
        dNorm = FloatBuffer(count: N * C)
        dq = FloatBuffer(count: N * config.qDim)
        dk = FloatBuffer(count: N * config.kvDim)
        dv = FloatBuffer(count: N * config.kvDim)
        dAttnOut = FloatBuffer(count: N * config.qDim)
        dAtt = FloatBuffer(count: B * config.nHeads * T * T)
        dGate = FloatBuffer(count: N * config.ffnHidden)
        dUp = FloatBuffer(count: N * config.ffnHidden)
        dSwiglu = FloatBuffer(count: N * config.ffnHidden)
    }
}
