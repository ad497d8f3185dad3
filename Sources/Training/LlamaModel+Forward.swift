// Forward pass: embedding -> L x [RMSNorm, q/k/v, RoPE, causal GQA attention, output, residual,
// RMSNorm, SwiGLU FFN, residual] -> final RMSNorm -> LM head -> cross-entropy.
// Legend: B = batch, T = positions, N = B*T, C = dModel, F = ffnHidden, V = vocab, qDim = nHeads*headDim,
// kvDim = nKVHeads*headDim, w = parameters base pointer.
import Tensors

extension LlamaModel {
    /// Runs the forward pass on `batch`, keeps the activations for ``backward(lossScale:)``, and returns the
    /// mean cross-entropy over all `B*T` positions (the weighted mean `sum(w * l) / sum(w)` when the batch has
    /// ``TokenBatch/targetWeights``; 0 when every weight is 0). Each position's loss is kept in
    /// ``lastPositionLosses``.
    ///
    /// - Parameters:
    ///   - batch: inputs and targets.
    /// - Returns: the mean loss (natural log).
    @discardableResult
    public func forward(_ batch: TokenBatch) -> Float {
        let (B, T) = (batch.B, batch.T)
        let (N, C, V) = (B * T, config.dModel, config.vocab)
        precondition(batch.inputs.allSatisfy { $0 >= 0 && Int($0) < V }, "input id out of 0..<\(V)")
        precondition(batch.targets.allSatisfy { $0 >= 0 && Int($0) < V }, "target id out of 0..<\(V)")
        let acts = activations(B: B, T: T)
        acts.inputs = batch.inputs
        acts.targets = batch.targets
        acts.targetWeights = batch.targetWeights
        acts.segmentStarts = batch.segmentStarts
        acts.weightSum = batch.targetWeights.map { $0.reduce(0.0) { $0 + Double($1) } } ?? Double(N)
        let w = parameters.pointer
        acts.inputs.withUnsafeBufferPointer { ids in
            Embedding.forward(
                out: acts.residuals[0].pointer, tokens: ids.baseAddress!, table: w + layout.tokenEmbedding, N: N, C: C)
        }
        for l in 0..<config.nLayers {
            blockForward(l, acts: acts)
        }
        let L = config.nLayers
        RMSNorm.forward(
            out: acts.finalNormOut.pointer, rstd: acts.finalRstd.pointer, x: acts.residuals[L].pointer,
            weight: w + layout.outputNorm, N: N, C: C, eps: config.rmsEps)
        Linear.forward(
            out: acts.logits.pointer, x: acts.finalNormOut.pointer,
            weight: w + (layout.output ?? layout.tokenEmbedding),
            N: N, inDim: C, outDim: V)
        let losses = acts.targets.withUnsafeBufferPointer { targets in
            CrossEntropy.positionLosses(logits: acts.logits.pointer, targets: targets.baseAddress!, N: N, V: V)
        }
        acts.positionLosses = losses.map { Float($0) }
        let lossSum: Double
        if let weights = acts.targetWeights {
            lossSum = zip(losses, weights).reduce(0.0) { $0 + $1.0 * Double($1.1) }
        } else {
            lossSum = losses.reduce(0, +)
        }
        hasForward = true
        return acts.weightSum > 0 ? Float(lossSum / acts.weightSum) : 0
    }

    /// Each position's cross-entropy `-log p(target)` from the last ``forward(_:)``, unweighted. // [B*T]
    public var lastPositionLosses: [Float] { activations?.positionLosses ?? [] }

    func blockForward(_ l: Int, acts: LlamaActivations) {
        let (B, T) = (acts.B, acts.T)
        let (N, C, F) = (B * T, config.dModel, config.ffnHidden)
        let (qDim, kvDim) = (config.qDim, config.kvDim)
        let w = parameters.pointer
        let offsets = layout.layers[l]
        let layer = acts.layers[l]
        let input = acts.residuals[l].pointer
        RMSNorm.forward(
            out: layer.attnNormOut.pointer, rstd: layer.attnRstd.pointer, x: input, weight: w + offsets.attnNorm,
            N: N, C: C, eps: config.rmsEps)
        Linear.forward(
            out: layer.q.pointer, x: layer.attnNormOut.pointer, weight: w + offsets.attnQ, N: N, inDim: C, outDim: qDim)
        Linear.forward(
            out: layer.k.pointer, x: layer.attnNormOut.pointer, weight: w + offsets.attnK, N: N, inDim: C, outDim: kvDim
        )
        Linear.forward(
            out: layer.v.pointer, x: layer.attnNormOut.pointer, weight: w + offsets.attnV, N: N, inDim: C, outDim: kvDim
        )
        rotary!.apply(layer.q.pointer, B: B, T: T, nHeads: config.nHeads)
        rotary!.apply(layer.k.pointer, B: B, T: T, nHeads: config.nKVHeads)
        if let starts = acts.segmentStarts {
            starts.withUnsafeBufferPointer { starts in
                CausalAttention.forward(
                    out: layer.attnOut.pointer, att: layer.att.pointer, q: layer.q.pointer, k: layer.k.pointer,
                    v: layer.v.pointer, shape: attentionShape(B: B, T: T), segmentStarts: starts.baseAddress)
            }
        } else {
            CausalAttention.forward(
                out: layer.attnOut.pointer, att: layer.att.pointer, q: layer.q.pointer, k: layer.k.pointer,
                v: layer.v.pointer, shape: attentionShape(B: B, T: T))
        }
        Linear.forward(
            out: layer.residualMid.pointer, x: layer.attnOut.pointer, weight: w + offsets.attnOutput,
            N: N, inDim: qDim, outDim: C)
        Elementwise.add(layer.residualMid.pointer, input, count: N * C)
        RMSNorm.forward(
            out: layer.ffnNormOut.pointer, rstd: layer.ffnRstd.pointer, x: layer.residualMid.pointer,
            weight: w + offsets.ffnNorm, N: N, C: C, eps: config.rmsEps)
        Linear.forward(
            out: layer.gate.pointer, x: layer.ffnNormOut.pointer, weight: w + offsets.ffnGate, N: N, inDim: C, outDim: F
        )
        Linear.forward(
            out: layer.up.pointer, x: layer.ffnNormOut.pointer, weight: w + offsets.ffnUp, N: N, inDim: C, outDim: F)
        SwiGLU.forward(out: layer.swiglu.pointer, gate: layer.gate.pointer, up: layer.up.pointer, count: N * F)
        let output = acts.residuals[l + 1].pointer
        Linear.forward(out: output, x: layer.swiglu.pointer, weight: w + offsets.ffnDown, N: N, inDim: F, outDim: C)
        Elementwise.add(output, layer.residualMid.pointer, count: N * C)
    }

    func attentionShape(B: Int, T: Int) -> AttentionShape {
        AttentionShape(B: B, T: T, nHeads: config.nHeads, nKVHeads: config.nKVHeads, headDim: config.headDim)
    }
}
