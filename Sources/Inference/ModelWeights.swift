import GGUF

/// All weights of a model, as views into its memory-mapped GGUF file (which this value keeps open), q4_K and q6_K matrices
/// optionally repacked.
struct ModelWeights: Sendable {
    let file: GGUFFile
    let tokenEmbedding: WeightMatrix  // [vocab, d]
    let layers: [LayerWeights]
    let outputNorm: VectorWeights  // [d]
    /// `output.weight`, or the token embedding when the file ties them.
    let output: WeightMatrix  // [vocab, d]

    /// Every layer's projection matrices, layer by layer: attention query, key, value and output, then the FFN's
    /// gate, up and down.
    var layerMatrices: [WeightMatrix] {
        layers.flatMap { [$0.query, $0.key, $0.value, $0.attentionOutput, $0.gate, $0.up, $0.down] }
    }

    /// Loads every tensor the architecture needs.
    ///
    /// - Throws: `InferenceError` naming the first missing or unusable tensor.
    /// - Parameters:
    ///   - repacking: repack q4_K and q6_K matrices for the interleaved kernel (``WeightMatrix/load(_:from:rows:columns:repacking:)``).
    init(file: GGUFFile, hyperparameters h: ModelHyperparameters, repacking: Bool = false) throws {
        let names = TensorNames(architecture: h.architecture)
        self.file = file
        guard let embeddingInfo = file.tensor(named: names.tokenEmbedding) else {
            throw InferenceError(.missingTensor, "\(file.path): required tensor '\(names.tokenEmbedding)' is missing")
        }
        let vocabularySize = embeddingInfo.dimensions.count == 2 ? embeddingInfo.dimensions[1] : h.vocabularySize
        tokenEmbedding = try .load(
            names.tokenEmbedding, from: file, rows: vocabularySize, columns: h.embeddingLength, repacking: repacking)
        layers = try (0..<h.layerCount).map {
            try LayerWeights(layer: $0, file: file, names: names, hyperparameters: h, repacking: repacking)
        }
        outputNorm = try .load(names.outputNorm, from: file, count: h.embeddingLength)
        if file.tensor(named: names.output) != nil {
            output = try .load(
                names.output, from: file, rows: vocabularySize, columns: h.embeddingLength, repacking: repacking)
        } else {
            output = tokenEmbedding
        }
    }
}
