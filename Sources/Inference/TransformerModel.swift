// The decoder-only transformer forward pass for llama, qwen2, qwen3 and gemma3, following llama.cpp's graphs.
// Legend: T = tokens in the batch, d = model width, ff = FFN width, qDim = nHeads*hd, kvDim = nKVHeads*hd,
// hd = head width, V = vocabulary size.
import Executors
import GGUF
import Quantization
import Tensors

/// A loaded model: hyperparameters, memory-mapped weights, scratch space and the thread pool that splits matrix
/// rows. Not thread-safe: one owner (the engine's thread) calls it.
public final class TransformerModel {
    /// The model's shape and constants.
    public let hyperparameters: ModelHyperparameters
    let weights: ModelWeights
    let pool: WorkerPool
    let scratch = ForwardScratch()
    private let activationTypes: [GGMLType]

    /// The vocabulary size (rows of the output projection).
    public var vocabularySize: Int { weights.output.rowCount }

    /// Bytes of the mapped model file.
    public var fileSizeBytes: Int { weights.file.fileSizeBytes }

    /// Bytes of the weight matrices repacked at load (``InterleavedWeights``), resident in memory instead of the file's
    /// pages (whose resident share is released); 0 when nothing was repacked.
    public var repackedWeightBytes: Int {
        var seen: Set<ObjectIdentifier> = []
        var total = 0
        for matrix in weights.layerMatrices + [weights.tokenEmbedding, weights.output] {
            guard let rows = matrix.interleaved, seen.insert(ObjectIdentifier(rows)).inserted else { continue }
            total += rows.byteCount
        }
        return total
    }

    /// Loads a model from a GGUF file; weights stay memory-mapped.
    ///
    /// - Parameters:
    ///   - file: the opened GGUF file.
    ///   - pool: the threads that split each matrix multiply.
    ///   - repacksWeights: repack q4_K and q6_K matrices into eight-row interleaved groups (``InterleavedWeights``) for the
    ///     faster kernel; their file pages are released, so resident memory stays about the file's size.
    /// - Throws: `InferenceError` for an unknown architecture, missing metadata, or a missing or unusable tensor.
    public init(file: GGUFFile, pool: WorkerPool, repacksWeights: Bool = true) throws {
        let h = try ModelHyperparameters(metadata: file.metadata, source: file.path)
        hyperparameters = h
        weights = try ModelWeights(file: file, hyperparameters: h, repacking: repacksWeights)
        self.pool = pool
        var types: [GGMLType] = []
        for matrix in weights.layerMatrices + [weights.output] where !types.contains(matrix.activationType) {
            types.append(matrix.activationType)
        }
        activationTypes = types
        // The F32 projections run one sgemm per pool thread; OpenBLAS's own threads would only compete with them.
        BLAS.setThreadCount(1)
    }

    /// Creates an empty KV cache for one sequence of up to `capacity` positions.
    public func makeCache(capacity: Int) -> KVCache {
        KVCache(
            layerCount: hyperparameters.layerCount, keyValueHeadCount: hyperparameters.keyValueHeadCount,
            headDimension: hyperparameters.headDimension, capacity: capacity)
    }

    /// Runs the batch through every layer, appends its keys and values to the caches, and hands the logits of
    /// each output row to `onLogits(outputIndex, logits)` (`outputIndex` indexes `batch.outputRows`; the buffer
    /// holds V floats and is valid only during the call).
    func forward(_ batch: ForwardBatch, onLogits: (Int, UnsafeBufferPointer<Float>) -> Void) {
        let h = hyperparameters
        let T = batch.tokens.count
        guard T > 0 else { return }
        scratch.reserve(rows: T, hyperparameters: h, activationTypes: activationTypes)
        scratch.projectionRuns = batch.projectionRuns
        embed(batch.tokens)
        prepareRotary(batch.positions)
        for layer in 0..<h.layerCount {
            attentionBlock(layer: layer, batch: batch)
            feedForwardBlock(layer: layer, rows: T)
        }
        for segment in batch.segments { segment.cache.count = segment.startPosition + segment.rows.count }
        emitLogits(rows: batch.outputRows, onLogits: onLogits)
    }

    /// `x[t] = E[token_t]` (times sqrt(d) for gemma3).
    private func embed(_ tokens: [Int]) {
        let d = hyperparameters.embeddingLength
        for (t, token) in tokens.enumerated() {
            weights.tokenEmbedding.dequantizeRow(token, into: scratch.x + t * d)
            if let scale = hyperparameters.embeddingScale {
                for i in 0..<d { scratch.x[t * d + i] *= scale }
            }
        }
    }

    private func feedForwardBlock(layer: Int, rows T: Int) {
        let h = hyperparameters, w = weights.layers[layer]
        let d = h.embeddingLength, ff = h.feedForwardLength
        TransformerKernels.rmsNorm(
            scratch.x, weight: w.feedForwardNorm.values, epsilon: h.normEpsilon, n: d, rows: T, into: scratch.normed)
        project(scratch.normed, runs: scratch.projectionRuns, through: [(w.gate, scratch.gate), (w.up, scratch.up)])
        if h.architecture == .gemma3 {
            TransformerKernels.geGLU(gate: scratch.gate, up: scratch.up, count: T * ff, scratch: scratch.halves)
        } else {
            TransformerKernels.swiGLU(gate: scratch.gate, up: scratch.up, count: T * ff)
        }
        project(scratch.gate, runs: scratch.projectionRuns, through: [(w.down, scratch.projected)])
        addResidual(scratch.projected, postNorm: w.postFeedForwardNorm, rows: T)
    }

    /// `x += postNorm(y)` (the post-norm only for gemma3).
    func addResidual(_ y: UnsafeMutablePointer<Float>, postNorm: VectorWeights?, rows T: Int) {
        let d = hyperparameters.embeddingLength
        if let postNorm {
            TransformerKernels.rmsNorm(
                y, weight: postNorm.values, epsilon: hyperparameters.normEpsilon, n: d, rows: T, into: y)
        }
        for i in 0..<(T * d) { scratch.x[i] += y[i] }
    }

    /// Final norm and output projection for `rows`, 16 rows at a time to bound the logits buffer.
    private func emitLogits(rows: [Int], onLogits: (Int, UnsafeBufferPointer<Float>) -> Void) {
        guard !rows.isEmpty else { return }
        let d = hyperparameters.embeddingLength, V = vocabularySize
        let group = 16
        let logits = UnsafeMutablePointer<Float>.allocate(capacity: group * V)  // [group, V]
        defer { logits.deallocate() }
        var start = 0
        while start < rows.count {
            let count = min(group, rows.count - start)
            for i in 0..<count {
                (scratch.normed + i * d).update(from: scratch.x + rows[start + i] * d, count: d)
            }
            TransformerKernels.rmsNorm(
                scratch.normed, weight: weights.outputNorm.values, epsilon: hyperparameters.normEpsilon, n: d,
                rows: count, into: scratch.normed)
            project(
                scratch.normed, runs: [ProjectionRun(rows: 0..<count, inFloat: false)],
                through: [(weights.output, logits)])
            for i in 0..<count { onLogits(start + i, UnsafeBufferPointer(start: logits + i * V, count: V)) }
            start += count
        }
    }
}

extension TransformerModel {
    /// Appends `tokens` to one sequence's cache in a single forward pass and hands the logits at the requested
    /// offsets to `onLogits(offset, logits)`, in ascending order.
    ///
    /// - Parameters:
    ///   - tokens: token ids, each below ``vocabularySize``.
    ///   - cache: the sequence's cache; it must have room for the tokens.
    ///   - outputs: offsets into `tokens` whose logits are wanted.
    ///   - onLogits: receives each offset and its V logits, valid only during the call.
    /// - Throws: `InferenceError.invalidRequest` for a bad token id, `.promptTooLong` when the cache is full.
    public func evaluate(
        _ tokens: [Int], cache: KVCache, outputs: [Int], onLogits: (Int, UnsafeBufferPointer<Float>) -> Void
    ) throws {
        try validate(tokens)
        guard cache.count + tokens.count <= cache.capacity else {
            throw InferenceError(
                .promptTooLong,
                "\(tokens.count) tokens after \(cache.count) do not fit the KV cache of \(cache.capacity) positions")
        }
        var batch = ForwardBatch()
        let sorted = outputs.sorted()
        batch.append(tokens[...], cache: cache, outputs: sorted, promptLength: tokens.count)
        forward(batch) { index, logits in onLogits(sorted[index], logits) }
    }

    /// Throws unless every id is a row of the embedding.
    func validate(_ tokens: [Int]) throws {
        if let bad = tokens.first(where: { $0 < 0 || $0 >= weights.tokenEmbedding.rowCount }) {
            throw InferenceError(
                .invalidRequest, "token id \(bad) is outside the vocabulary 0..<\(weights.tokenEmbedding.rowCount)")
        }
    }
}
