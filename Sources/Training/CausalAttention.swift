// Causal grouped-query self-attention (Vaswani et al. 2017; GQA: Ainslie et al. 2023), forward and backward,
// with one sgemm per (batch, head) for q k^T, att v and their gradients; the naive twin is CausalAttention+Reference.
// Legend: B = batch, T = positions, nHeads = query heads, nKVHeads = key/value heads, headDim = head width,
// group = nHeads / nKVHeads (query head h reads key/value head h / group), scale = 1 / sqrt(headDim),
// att = softmax(q k^T * scale) with positions t2 > t masked; dScore = att * (dAtt - sum_t2 att * dAtt) * scale.
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Tensors

/// Shapes of one attention call.
public struct AttentionShape: Sendable, Equatable {
    /// Batch size.
    public var B: Int
    /// Sequence length.
    public var T: Int
    /// Query heads.
    public var nHeads: Int
    /// Key/value heads; divides `nHeads`.
    public var nKVHeads: Int
    /// Head width.
    public var headDim: Int

    /// Creates a shape.
    ///
    /// - Parameters: one per property.
    public init(B: Int, T: Int, nHeads: Int, nKVHeads: Int, headDim: Int) {
        precondition(nHeads % nKVHeads == 0, "nKVHeads \(nKVHeads) must divide nHeads \(nHeads)")
        self.B = B
        self.T = T
        self.nHeads = nHeads
        self.nKVHeads = nKVHeads
        self.headDim = headDim
    }

    var qDim: Int { nHeads * headDim }
    var kvDim: Int { nKVHeads * headDim }
    var group: Int { nHeads / nKVHeads }
}

/// Causal GQA attention on sgemm: per head, `q k^T` and `att v` (and the four backward products) are single BLAS
/// calls over strided head slices; the softmax and its backward run row-parallel over two threads. The full `T x T`
/// score block is computed and the causal mask applied in the softmax, so `att` is exactly zero above the diagonal.
public enum CausalAttention {
    /// Computes `out = att v` with `att = softmax(mask(q k^T * scale))`, keeping `att` for the backward pass.
    ///
    /// - Parameters:
    ///   - out: attention output, overwritten. // [B, T, nHeads * headDim]
    ///   - att: attention weights, overwritten (zero above the diagonal). // [B, nHeads, T, T]
    ///   - q: queries after RoPE. // [B, T, nHeads * headDim]
    ///   - k: keys after RoPE. // [B, T, nKVHeads * headDim]
    ///   - v: values. // [B, T, nKVHeads * headDim]
    ///   - shape: sizes.
    ///   - segmentStarts: per query position, the first key position it may attend to (document-boundary
    ///     masking; `att` is zero outside `start...t`, so the backward pass needs no mask), or `nil`. // [B, T]
    public static func forward(
        out: UnsafeMutablePointer<Float>, att: UnsafeMutablePointer<Float>, q: UnsafePointer<Float>,
        k: UnsafePointer<Float>, v: UnsafePointer<Float>, shape: AttentionShape,
        segmentStarts: UnsafePointer<Int32>? = nil
    ) {
        let (B, T, hd, nHeads) = (shape.B, shape.T, shape.headDim, shape.nHeads)
        let (qDim, kvDim) = (shape.qDim, shape.kvDim)
        let scale = 1 / Float(hd).squareRoot()
        for b in 0..<B {
            for h in 0..<nHeads {
                let kvh = h / shape.group
                BLAS.sgemm(  // scores = scale * q_h k_kvh^T: [T, T]
                    transposeA: false, transposeB: true, m: T, n: T, k: hd, alpha: scale,
                    a: q + b * T * qDim + h * hd, lda: qDim, b: k + b * T * kvDim + kvh * hd, ldb: kvDim,
                    beta: 0, c: att + (b * nHeads + h) * T * T, ldc: T)
            }
        }
        ParallelLoop.forEach(iterations: B * nHeads * T, threads: B * nHeads * T * T >= 1 << 14 ? 2 : 1) { row in
            let (t, b) = (row % T, row / (nHeads * T))
            softmaxCausalRow(att + row * T, start: segmentStarts.map { Int($0[b * T + t]) } ?? 0, t: t, T: T)
        }
        for b in 0..<B {
            for h in 0..<nHeads {
                let kvh = h / shape.group
                BLAS.sgemm(  // out_h = att v_kvh: [T, hd]
                    transposeA: false, transposeB: false, m: T, n: hd, k: T,
                    a: att + (b * nHeads + h) * T * T, lda: T, b: v + b * T * kvDim + kvh * hd, ldb: kvDim,
                    beta: 0, c: out + b * T * qDim + h * hd, ldc: qDim)
            }
        }
    }

    /// Accumulates the gradients of ``forward(out:att:q:k:v:shape:)`` into `dq`, `dk` and `dv`.
    ///
    /// - Parameters:
    ///   - dq: query gradient, accumulated. // [B, T, nHeads * headDim]
    ///   - dk: key gradient, accumulated. // [B, T, nKVHeads * headDim]
    ///   - dv: value gradient, accumulated. // [B, T, nKVHeads * headDim]
    ///   - dAtt: scratch, overwritten. // [B, nHeads, T, T]
    ///   - dout: output gradient. // [B, T, nHeads * headDim]
    ///   - att: attention weights from the forward pass. // [B, nHeads, T, T]
    ///   - q: queries. // [B, T, nHeads * headDim]
    ///   - k: keys. // [B, T, nKVHeads * headDim]
    ///   - v: values. // [B, T, nKVHeads * headDim]
    ///   - shape: sizes.
    public static func backward(
        dq: UnsafeMutablePointer<Float>, dk: UnsafeMutablePointer<Float>, dv: UnsafeMutablePointer<Float>,
        dAtt: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>, att: UnsafePointer<Float>,
        q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>, shape: AttentionShape
    ) {
        let (B, T, hd, nHeads) = (shape.B, shape.T, shape.headDim, shape.nHeads)
        let (qDim, kvDim) = (shape.qDim, shape.kvDim)
        let scale = 1 / Float(hd).squareRoot()
        for b in 0..<B {
            for h in 0..<nHeads {
                let kvh = h / shape.group
                let (attHead, dAttHead) = (att + (b * nHeads + h) * T * T, dAtt + (b * nHeads + h) * T * T)
                let doutHead = dout + b * T * qDim + h * hd
                BLAS.sgemm(  // dAtt = dout_h v_kvh^T: [T, T]
                    transposeA: false, transposeB: true, m: T, n: T, k: hd,
                    a: doutHead, lda: qDim, b: v + b * T * kvDim + kvh * hd, ldb: kvDim, beta: 0, c: dAttHead, ldc: T)
                BLAS.sgemm(  // dv_kvh += att^T dout_h: [T, hd]
                    transposeA: true, transposeB: false, m: T, n: hd, k: T,
                    a: attHead, lda: T, b: doutHead, ldb: qDim, beta: 1, c: dv + b * T * kvDim + kvh * hd, ldc: kvDim)
            }
        }
        ParallelLoop.forEach(iterations: B * nHeads * T, threads: B * nHeads * T * T >= 1 << 14 ? 2 : 1) { row in
            softmaxBackwardRow(dAtt + row * T, att: att + row * T, t: row % T, T: T, scale: scale)
        }
        for b in 0..<B {
            for h in 0..<nHeads {
                let kvh = h / shape.group
                let dScore = UnsafePointer(dAtt + (b * nHeads + h) * T * T)
                BLAS.sgemm(  // dq_h += dScore k_kvh: [T, hd]
                    transposeA: false, transposeB: false, m: T, n: hd, k: T,
                    a: dScore, lda: T, b: k + b * T * kvDim + kvh * hd, ldb: kvDim,
                    beta: 1, c: dq + b * T * qDim + h * hd, ldc: qDim)
                BLAS.sgemm(  // dk_kvh += dScore^T q_h: [T, hd]
                    transposeA: true, transposeB: false, m: T, n: hd, k: T,
                    a: dScore, lda: T, b: q + b * T * qDim + h * hd, ldb: qDim,
                    beta: 1, c: dk + b * T * kvDim + kvh * hd, ldc: kvDim)
            }
        }
    }

    /// Softmax over `row[start...t]` in place (scores already scaled); zeroes the rest of the row.
    @inline(__always)
    static func softmaxCausalRow(_ row: UnsafeMutablePointer<Float>, start: Int = 0, t: Int, T: Int) {
        var maxScore = -Float.infinity
        for t2 in start...t { maxScore = max(maxScore, row[t2]) }
        var sum: Float = 0
        for t2 in start...t {
            let e = expf(row[t2] - maxScore)
            row[t2] = e
            sum += e
        }
        let inverse = 1 / sum
        for t2 in start...t { row[t2] *= inverse }
        for t2 in 0..<start { row[t2] = 0 }
        for t2 in (t + 1)..<T { row[t2] = 0 }
    }

    /// Turns `dAtt` into `dScore = att * (dAtt - sum(att * dAtt)) * scale` in place for one query row; zero above t.
    @inline(__always)
    static func softmaxBackwardRow(
        _ dAtt: UnsafeMutablePointer<Float>, att: UnsafePointer<Float>, t: Int, T: Int, scale: Float
    ) {
        var weighted: Float = 0
        for t2 in 0...t { weighted += att[t2] * dAtt[t2] }
        for t2 in 0...t { dAtt[t2] = att[t2] * (dAtt[t2] - weighted) * scale }
        for t2 in (t + 1)..<T { dAtt[t2] = 0 }
    }
}
