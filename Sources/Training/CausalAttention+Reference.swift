// Naive twin of CausalAttention.swift: causal GQA attention forward and backward in plain loops, for tests.
// Legend: B = batch, T = positions, nHeads = query heads, nKVHeads = key/value heads, headDim = head width,
// group = nHeads / nKVHeads (query head h reads key/value head h / group), scale = 1 / sqrt(headDim),
// att = softmax(q k^T * scale) with positions t2 > t masked.
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Tensors

/// The naive twins of the sgemm-based kernels: plain loops, split over (batch, head) pairs.
extension CausalAttention {
    /// Computes `out = att v` with `att = softmax(mask(q k^T * scale))`, keeping `att` for the backward pass.
    ///
    /// - Parameters:
    ///   - out: attention output, overwritten. // [B, T, nHeads * headDim]
    ///   - att: attention weights, overwritten (zero above the diagonal). // [B, nHeads, T, T]
    ///   - q: queries after RoPE. // [B, T, nHeads * headDim]
    ///   - k: keys after RoPE. // [B, T, nKVHeads * headDim]
    ///   - v: values. // [B, T, nKVHeads * headDim]
    ///   - shape: sizes.
    public static func forwardReference(
        out: UnsafeMutablePointer<Float>, att: UnsafeMutablePointer<Float>, q: UnsafePointer<Float>,
        k: UnsafePointer<Float>, v: UnsafePointer<Float>, shape: AttentionShape
    ) {
        let (B, T, hd) = (shape.B, shape.T, shape.headDim)
        let (qDim, kvDim) = (shape.qDim, shape.kvDim)
        let scale = 1 / Float(hd).squareRoot()
        ParallelLoop.forEach(iterations: B * shape.nHeads, threads: T >= 32 ? 2 : 1) { index in
            let b = index / shape.nHeads
            let h = index % shape.nHeads
            let kvh = h / shape.group
            for t in 0..<T {
                let qRow = q + (b * T + t) * qDim + h * hd
                let attRow = att + ((b * shape.nHeads + h) * T + t) * T
                var maxScore = -Float.infinity
                for t2 in 0...t {
                    let kRow = k + (b * T + t2) * kvDim + kvh * hd
                    var score: Float = 0
                    for i in 0..<hd { score += qRow[i] * kRow[i] }
                    score *= scale
                    attRow[t2] = score
                    maxScore = max(maxScore, score)
                }
                var sum: Float = 0
                for t2 in 0...t {
                    let e = expf(attRow[t2] - maxScore)
                    attRow[t2] = e
                    sum += e
                }
                let inverse = 1 / sum
                for t2 in 0...t { attRow[t2] *= inverse }
                for t2 in (t + 1)..<T { attRow[t2] = 0 }
                let outRow = out + (b * T + t) * qDim + h * hd
                for i in 0..<hd { outRow[i] = 0 }
                for t2 in 0...t {
                    let vRow = v + (b * T + t2) * kvDim + kvh * hd
                    let a = attRow[t2]
                    for i in 0..<hd { outRow[i] += a * vRow[i] }
                }
            }
        }
    }

    /// Accumulates the gradients of ``forwardReference(out:att:q:k:v:shape:)`` into `dq`, `dk` and `dv`.
    ///
    /// - Parameters:
    ///   - dq: query gradient, accumulated. // [B, T, nHeads * headDim]
    ///   - dk: key gradient, accumulated. // [B, T, nKVHeads * headDim]
    ///   - dv: value gradient, accumulated. // [B, T, nKVHeads * headDim]
    ///   - dout: output gradient. // [B, T, nHeads * headDim]
    ///   - att: attention weights from the forward pass. // [B, nHeads, T, T]
    ///   - q: queries. // [B, T, nHeads * headDim]
    ///   - k: keys. // [B, T, nKVHeads * headDim]
    ///   - v: values. // [B, T, nKVHeads * headDim]
    ///   - shape: sizes.
    public static func backwardReference(
        dq: UnsafeMutablePointer<Float>, dk: UnsafeMutablePointer<Float>, dv: UnsafeMutablePointer<Float>,
        dout: UnsafePointer<Float>, att: UnsafePointer<Float>, q: UnsafePointer<Float>,
        k: UnsafePointer<Float>, v: UnsafePointer<Float>, shape: AttentionShape
    ) {
        let (B, T, hd) = (shape.B, shape.T, shape.headDim)
        let (qDim, kvDim) = (shape.qDim, shape.kvDim)
        let scale = 1 / Float(hd).squareRoot()
        // One task per (b, kvh) owns dk and dv of that key/value head, so tasks never write the same memory.
        ParallelLoop.forEach(iterations: B * shape.nKVHeads, threads: T >= 32 ? 2 : 1) { index in
            let b = index / shape.nKVHeads
            let kvh = index % shape.nKVHeads
            var dAttRow = [Float](repeating: 0, count: T)  // [T] d loss / d att for one query row
            for h in (kvh * shape.group)..<((kvh + 1) * shape.group) {
                for t in 0..<T {
                    let attRow = att + ((b * shape.nHeads + h) * T + t) * T
                    let doutRow = dout + (b * T + t) * qDim + h * hd
                    let qRow = q + (b * T + t) * qDim + h * hd
                    let dqRow = dq + (b * T + t) * qDim + h * hd
                    var weighted: Float = 0  // sum_t2 att * datt
                    for t2 in 0...t {
                        let vRow = v + (b * T + t2) * kvDim + kvh * hd
                        let dvRow = dv + (b * T + t2) * kvDim + kvh * hd
                        let a = attRow[t2]
                        var dAtt: Float = 0
                        for i in 0..<hd {
                            dAtt += doutRow[i] * vRow[i]
                            dvRow[i] += a * doutRow[i]
                        }
                        dAttRow[t2] = dAtt
                        weighted += a * dAtt
                    }
                    for t2 in 0...t {
                        let dScore = attRow[t2] * (dAttRow[t2] - weighted) * scale
                        let kRow = k + (b * T + t2) * kvDim + kvh * hd
                        let dkRow = dk + (b * T + t2) * kvDim + kvh * hd
                        for i in 0..<hd {
                            dqRow[i] += dScore * kRow[i]
                            dkRow[i] += dScore * qRow[i]
                        }
                    }
                }
            }
        }
    }
}
