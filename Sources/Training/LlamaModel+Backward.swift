// Backward pass, mirroring LlamaModel+Forward.swift in reverse; gradients accumulate into `gradients`.
// Legend: B = batch, T = positions, N = B*T, C = dModel, F = ffnHidden, V = vocab, qDim = nHeads*headDim,
// kvDim = nKVHeads*headDim, w = parameters, g = gradients.
import Tensors

extension LlamaModel {
    /// Backpropagates the loss of the last ``forward(_:)`` and adds `lossScale * dLoss/dW` to ``gradients``.
    /// Consumes the kept probabilities: call ``forward(_:)`` again before the next backward pass.
    ///
    /// - Parameters:
    ///   - lossScale: multiplies the gradient, e.g. `1 / microBatches` for gradient accumulation.
    public func backward(lossScale: Float = 1) {
        precondition(hasForward, "backward() needs a forward() first")
        hasForward = false
        guard let acts = activations else { return }
        let (N, C, V) = (acts.B * acts.T, config.dModel, config.vocab)
        let (w, g) = (parameters.pointer, gradients.pointer)
        let meanScale = acts.weightSum > 0 ? lossScale / Float(acts.weightSum) : 0
        acts.targets.withUnsafeBufferPointer { targets in
            if let weights = acts.targetWeights {
                weights.withUnsafeBufferPointer { weights in
                    CrossEntropy.backward(
                        probabilities: acts.logits.pointer, targets: targets.baseAddress!, N: N, V: V,
                        scale: meanScale, weights: weights.baseAddress)
                }
            } else {
                CrossEntropy.backward(
                    probabilities: acts.logits.pointer, targets: targets.baseAddress!, N: N, V: V, scale: meanScale)
            }
        }
        let head = layout.output ?? layout.tokenEmbedding
        acts.dNorm.zero()
        Linear.backward(
            dx: acts.dNorm.pointer, dweight: g + head, dout: acts.logits.pointer, x: acts.finalNormOut.pointer,
            weight: w + head, N: N, inDim: C, outDim: V)
        acts.dResidual.zero()
        let L = config.nLayers
        RMSNorm.backward(
            dx: acts.dResidual.pointer, dweight: g + layout.outputNorm, dout: acts.dNorm.pointer,
            x: acts.residuals[L].pointer, weight: w + layout.outputNorm, rstd: acts.finalRstd.pointer, N: N, C: C)
        for l in stride(from: L - 1, through: 0, by: -1) {
            blockBackward(l, acts: acts)
        }
        acts.inputs.withUnsafeBufferPointer { ids in
            Embedding.backward(
                dtable: g + layout.tokenEmbedding, dout: acts.dResidual.pointer, tokens: ids.baseAddress!, N: N, C: C)
        }
    }

    /// On entry `dResidual` holds dLoss/d(output of block l); on exit dLoss/d(input of block l).
    func blockBackward(_ l: Int, acts: LlamaActivations) {
        let (B, T) = (acts.B, acts.T)
        let (N, C, F) = (B * T, config.dModel, config.ffnHidden)
        let (qDim, kvDim) = (config.qDim, config.kvDim)
        let (w, g) = (parameters.pointer, gradients.pointer)
        let offsets = layout.layers[l]
        let layer = acts.layers[l]
        let dResidual = acts.dResidual.pointer

        // FFN: output = residualMid + down(swiglu(gate(h), up(h))), h = ffnNorm(residualMid).
        acts.dSwiglu.zero()
        Linear.backward(
            dx: acts.dSwiglu.pointer, dweight: g + offsets.ffnDown, dout: dResidual, x: layer.swiglu.pointer,
            weight: w + offsets.ffnDown, N: N, inDim: F, outDim: C)
        acts.dGate.zero()
        acts.dUp.zero()
        SwiGLU.backward(
            dgate: acts.dGate.pointer, dup: acts.dUp.pointer, dout: acts.dSwiglu.pointer, gate: layer.gate.pointer,
            up: layer.up.pointer, count: N * F)
        acts.dNorm.zero()
        Linear.backward(
            dx: acts.dNorm.pointer, dweight: g + offsets.ffnGate, dout: acts.dGate.pointer, x: layer.ffnNormOut.pointer,
            weight: w + offsets.ffnGate, N: N, inDim: C, outDim: F)
        Linear.backward(
            dx: acts.dNorm.pointer, dweight: g + offsets.ffnUp, dout: acts.dUp.pointer, x: layer.ffnNormOut.pointer,
            weight: w + offsets.ffnUp, N: N, inDim: C, outDim: F)
        RMSNorm.backward(
            dx: dResidual, dweight: g + offsets.ffnNorm, dout: acts.dNorm.pointer, x: layer.residualMid.pointer,
            weight: w + offsets.ffnNorm, rstd: layer.ffnRstd.pointer, N: N, C: C)

        // Attention: residualMid = input + attnOutput(attention(rope(q(h)), rope(k(h)), v(h))), h = attnNorm(input).
        acts.dAttnOut.zero()
        Linear.backward(
            dx: acts.dAttnOut.pointer, dweight: g + offsets.attnOutput, dout: dResidual, x: layer.attnOut.pointer,
            weight: w + offsets.attnOutput, N: N, inDim: qDim, outDim: C)
        acts.dq.zero()
        acts.dk.zero()
        acts.dv.zero()
        CausalAttention.backward(
            dq: acts.dq.pointer, dk: acts.dk.pointer, dv: acts.dv.pointer, dAtt: acts.dAtt.pointer,
            dout: acts.dAttnOut.pointer, att: layer.att.pointer, q: layer.q.pointer, k: layer.k.pointer,
            v: layer.v.pointer,
            shape: attentionShape(B: B, T: T))
        rotary!.apply(acts.dq.pointer, B: B, T: T, nHeads: config.nHeads, inverse: true)
        rotary!.apply(acts.dk.pointer, B: B, T: T, nHeads: config.nKVHeads, inverse: true)
        acts.dNorm.zero()
        let h = layer.attnNormOut.pointer
        Linear.backward(
            dx: acts.dNorm.pointer, dweight: g + offsets.attnQ, dout: acts.dq.pointer, x: h, weight: w + offsets.attnQ,
            N: N, inDim: C, outDim: qDim)
        Linear.backward(
            dx: acts.dNorm.pointer, dweight: g + offsets.attnK, dout: acts.dk.pointer, x: h, weight: w + offsets.attnK,
            N: N, inDim: C, outDim: kvDim)
        Linear.backward(
            dx: acts.dNorm.pointer, dweight: g + offsets.attnV, dout: acts.dv.pointer, x: h, weight: w + offsets.attnV,
            N: N, inDim: C, outDim: kvDim)
        RMSNorm.backward(
            dx: dResidual, dweight: g + offsets.attnNorm, dout: acts.dNorm.pointer, x: acts.residuals[l].pointer,
            weight: w + offsets.attnNorm, rstd: layer.attnRstd.pointer, N: N, C: C)
    }
}
