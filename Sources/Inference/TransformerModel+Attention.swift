// Self-attention over the KV cache: projections, per-head norms, RoPE, cache append, softmax(QK^T)V in f32.
// Legend: T = batch rows, hd = head width, qDim = nHeads*hd, kvDim = nKVHeads*hd, p = query position,
// j = key position, W = sliding window.
import Executors
import Foundation
import Quantization

extension TransformerModel {
    /// RoPE angles for this batch's positions, for each RoPE base the model uses.
    func prepareRotary(_ positions: [Int]) {
        let h = hyperparameters
        TransformerKernels.rotaryTable(
            positions: positions, base: h.ropeFrequencyBase, rotaryDimensions: h.rotaryDimensions, into: scratch.rotary)
        if h.slidingWindow != nil {
            TransformerKernels.rotaryTable(
                positions: positions, base: h.ropeFrequencyBaseSlidingWindow, rotaryDimensions: h.rotaryDimensions,
                into: scratch.rotarySliding)
        }
    }

    /// `x += postNorm(W_o · attention(norm(x)))` for one layer.
    func attentionBlock(layer: Int, batch: ForwardBatch) {
        let h = hyperparameters, w = weights.layers[layer]
        let T = batch.tokens.count, hd = h.headDimension
        TransformerKernels.rmsNorm(
            scratch.x, weight: w.attentionNorm.values, epsilon: h.normEpsilon, n: h.embeddingLength, rows: T,
            into: scratch.normed)
        project(
            scratch.normed, runs: scratch.projectionRuns,
            through: [(w.query, scratch.query), (w.key, scratch.key), (w.value, scratch.value)])
        if let bias = w.queryBias { addBias(bias, to: scratch.query, rows: T) }
        if let bias = w.keyBias { addBias(bias, to: scratch.key, rows: T) }
        if let bias = w.valueBias { addBias(bias, to: scratch.value, rows: T) }
        if let norm = w.queryNorm {
            TransformerKernels.rmsNorm(
                scratch.query, weight: norm.values, epsilon: h.normEpsilon, n: hd, rows: T * h.headCount,
                into: scratch.query)
        }
        if let norm = w.keyNorm {
            TransformerKernels.rmsNorm(
                scratch.key, weight: norm.values, epsilon: h.normEpsilon, n: hd, rows: T * h.keyValueHeadCount,
                into: scratch.key)
        }
        let sliding = h.usesSlidingWindow(layer: layer)
        let table = sliding ? scratch.rotarySliding! : scratch.rotary!
        TransformerKernels.applyRotary(
            scratch.query, rows: T, heads: h.headCount, headDimension: hd, rotaryDimensions: h.rotaryDimensions,
            style: h.architecture.rotaryStyle, table: table)
        TransformerKernels.applyRotary(
            scratch.key, rows: T, heads: h.keyValueHeadCount, headDimension: hd, rotaryDimensions: h.rotaryDimensions,
            style: h.architecture.rotaryStyle, table: table)
        var scoreScale = h.attentionScale
        if h.architecture == .gemma3 {  // llama.cpp scales Q itself and attends with kq_scale 1
            for i in 0..<(T * h.queryDimension) { scratch.query[i] *= h.attentionScale }
            scoreScale = 1
        }
        appendToCaches(layer: layer, batch: batch)
        attend(layer: layer, batch: batch, window: sliding ? h.slidingWindow : nil, scale: scoreScale)
        project(scratch.attention, runs: scratch.projectionRuns, through: [(w.attentionOutput, scratch.projected)])
        addResidual(scratch.projected, postNorm: w.postAttentionNorm, rows: T)
    }

    private func addBias(_ bias: VectorWeights, to y: UnsafeMutablePointer<Float>, rows T: Int) {
        let n = bias.count
        for t in 0..<T {
            for i in 0..<n { y[t * n + i] += bias.values[i] }
        }
    }

    /// Stores this batch's keys and values, converted to F16, at their positions.
    private func appendToCaches(layer: Int, batch: ForwardBatch) {
        let h = hyperparameters, hd = h.headDimension, kvDim = h.keyValueDimension
        for segment in batch.segments {
            for t in segment.rows {
                let p = segment.startPosition + (t - segment.rows.lowerBound)
                for kvHead in 0..<h.keyValueHeadCount {
                    let offset = t * kvDim + kvHead * hd
                    FloatConversion.fp32ToFp16(
                        UnsafeBufferPointer(start: scratch.key + offset, count: hd),
                        into: UnsafeMutableBufferPointer(
                            start: segment.cache.keyBase(layer: layer, kvHead: kvHead) + p * hd, count: hd))
                    FloatConversion.fp32ToFp16(
                        UnsafeBufferPointer(start: scratch.value + offset, count: hd),
                        into: UnsafeMutableBufferPointer(
                            start: segment.cache.valueBase(layer: layer, kvHead: kvHead) + p * hd, count: hd))
                }
            }
        }
    }

    /// `attention[t, head] = softmax(scale * q·K^T over the visible positions) V`, split by (segment, head)
    /// across the pool with balanced cost.
    private func attend(layer: Int, batch: ForwardBatch, window: Int?, scale: Float) {
        let h = hyperparameters
        var items: [(segment: Int, head: Int, cost: Int)] = []
        var longest = 0
        for (index, segment) in batch.segments.enumerated() {
            let span = segment.startPosition + segment.rows.count
            longest = max(longest, span)
            for head in 0..<h.headCount { items.append((index, head, segment.rows.count * span)) }
        }
        scratch.reserveScores(2 * longest + h.headDimension, threads: pool.threadCount)
        let total = items.reduce(0) { $0 + $1.cost }
        var boundaries = [0]
        var running = 0
        for (i, item) in items.enumerated() {
            running += item.cost
            if boundaries.count < pool.threadCount, running * pool.threadCount >= total * boundaries.count {
                boundaries.append(i + 1)
            }
        }
        while boundaries.count <= pool.threadCount { boundaries.append(items.count) }
        pool.run { part in
            for item in items[boundaries[part]..<boundaries[part + 1]] {
                attendHead(
                    layer: layer, segment: batch.segments[item.segment], head: item.head, window: window, scale: scale,
                    scores: scratch.scores[part])
            }
        }
    }

    private func attendHead(
        layer: Int, segment: ForwardBatch.Segment, head: Int, window: Int?, scale: Float,
        scores: UnsafeMutablePointer<Float>
    ) {
        let h = hyperparameters, hd = h.headDimension, qDim = h.queryDimension
        let kvHead = head / (h.headCount / h.keyValueHeadCount)
        let keys = segment.cache.keyBase(layer: layer, kvHead: kvHead)  // [capacity, hd]
        let values = segment.cache.valueBase(layer: layer, kvHead: kvHead)  // [capacity, hd]
        let qStride = qDim
        if segment.isLongPrefill {  // llama.cpp's tiled F32 kernel; decode rows take its one-row F16 kernel
            let first = segment.rows.lowerBound
            AttentionKernels.attendRows(
                query: scratch.query + first * qDim + head * hd, queryStride: qStride, rows: segment.rows.count,
                firstPosition: segment.startPosition, window: window, keys: keys, values: values, headDimension: hd,
                scale: scale, scores: scores, out: scratch.attention + first * qDim + head * hd, outputStride: qStride)
            return
        }
        for t in segment.rows {
            let p = segment.startPosition + (t - segment.rows.lowerBound)
            let lo = window.map { max(0, p - $0 + 1) } ?? 0
            AttentionKernels.attendRowHalf(
                query: scratch.query + t * qDim + head * hd, positions: lo...p, keys: keys, values: values,
                headDimension: hd, scale: scale, scratch: scores, out: scratch.attention + t * qDim + head * hd)
        }
    }
}
