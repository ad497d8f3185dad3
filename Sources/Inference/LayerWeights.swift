import GGUF

/// One transformer block's weights (views into the mapped file).
struct LayerWeights: Sendable {
    let attentionNorm: VectorWeights  // [d]
    let query: WeightMatrix  // [qDim, d]
    let key: WeightMatrix  // [kvDim, d]
    let value: WeightMatrix  // [kvDim, d]
    let queryBias: VectorWeights?  // [qDim]
    let keyBias: VectorWeights?  // [kvDim]
    let valueBias: VectorWeights?  // [kvDim]
    let queryNorm: VectorWeights?  // [headDim]
    let keyNorm: VectorWeights?  // [headDim]
    let attentionOutput: WeightMatrix  // [d, qDim]
    let postAttentionNorm: VectorWeights?  // [d]
    let feedForwardNorm: VectorWeights  // [d]
    let gate: WeightMatrix  // [ff, d]
    let up: WeightMatrix  // [ff, d]
    let down: WeightMatrix  // [d, ff]
    let postFeedForwardNorm: VectorWeights?  // [d]

    /// Loads block `layer` with the names of `names.architecture`.
    ///
    /// - Throws: `InferenceError` naming the first missing or unusable tensor.
    /// - Parameters:
    ///   - repacking: repack q4_K and q6_K matrices for the interleaved kernel (``WeightMatrix/load(_:from:rows:columns:repacking:)``).
    init(
        layer: Int, file: GGUFFile, names: TensorNames, hyperparameters h: ModelHyperparameters, repacking: Bool = false
    ) throws {
        let d = h.embeddingLength
        let architecture = h.architecture
        attentionNorm = try .load(names.attentionNorm(layer), from: file, count: d)
        query = try .load(names.query(layer), from: file, rows: h.queryDimension, columns: d, repacking: repacking)
        key = try .load(names.key(layer), from: file, rows: h.keyValueDimension, columns: d, repacking: repacking)
        value = try .load(names.value(layer), from: file, rows: h.keyValueDimension, columns: d, repacking: repacking)
        if architecture.hasAttentionBiases {
            queryBias = try .load(names.queryBias(layer), from: file, count: h.queryDimension)
            keyBias = try .load(names.keyBias(layer), from: file, count: h.keyValueDimension)
            valueBias = try .load(names.valueBias(layer), from: file, count: h.keyValueDimension)
        } else {
            (queryBias, keyBias, valueBias) = (nil, nil, nil)
        }
        if architecture.hasQueryKeyNorms {
            queryNorm = try .load(names.queryNorm(layer), from: file, count: h.headDimension)
            keyNorm = try .load(names.keyNorm(layer), from: file, count: h.headDimension)
        } else {
            (queryNorm, keyNorm) = (nil, nil)
        }
        attentionOutput = try .load(
            names.attentionOutput(layer), from: file, rows: d, columns: h.queryDimension, repacking: repacking)
        feedForwardNorm = try .load(names.feedForwardNorm(layer), from: file, count: d)
        gate = try .load(names.gate(layer), from: file, rows: h.feedForwardLength, columns: d, repacking: repacking)
        up = try .load(names.up(layer), from: file, rows: h.feedForwardLength, columns: d, repacking: repacking)
        down = try .load(names.down(layer), from: file, rows: d, columns: h.feedForwardLength, repacking: repacking)
        if architecture.hasPostNorms {
            postAttentionNorm = try .load(names.postAttentionNorm(layer), from: file, count: d)
            postFeedForwardNorm = try .load(names.postFeedForwardNorm(layer), from: file, count: d)
        } else {
            (postAttentionNorm, postFeedForwardNorm) = (nil, nil)
        }
    }
}
