// Where the trainer's weights and tokenizer come from: a llama-architecture GGUF dequantized to fp32 (tensor names
// are the same llama.cpp names `ParameterLayout` uses, and ggml's [ne0 = in, ne1 = out] is our row-major [out, in]),
// or a fresh seeded model whose token ids are UTF-8 bytes.
import GGUF
import Quantization
import Tensors
import Tokenization
import Training

/// Loads the trainer's starting points (`TrainService` in Pipeline).
public enum TrainModelSource {
    /// The model shape a llama GGUF describes.
    ///
    /// - Throws: `TrainingError` `.unreadableModel` naming the file and the missing key.
    public static func config(of file: GGUFFile) throws -> LlamaConfig {
        let metadata = file.metadata
        guard metadata.string("general.architecture") == "llama" else {
            throw TrainingError(
                .unreadableModel,
                "\(file.path): general.architecture is '\(metadata.string("general.architecture") ?? "missing")'; the trainer supports llama"
            )
        }
        func required(_ key: String) throws -> Int {
            guard let value = metadata.int(key) else {
                throw TrainingError(.unreadableModel, "\(file.path): \(key) is missing; cannot size the model")
            }
            return value
        }
        let dModel = try required("llama.embedding_length")
        let nHeads = try required("llama.attention.head_count")
        let vocab = metadata.int("llama.vocab_size") ?? metadata.stringArray("tokenizer.ggml.tokens")?.count ?? 0
        guard vocab > 0 else { throw TrainingError(.unreadableModel, "\(file.path): no vocabulary size") }
        return LlamaConfig(
            vocab: vocab, dModel: dModel, nLayers: try required("llama.block_count"), nHeads: nHeads,
            nKVHeads: metadata.int("llama.attention.head_count_kv") ?? nHeads,
            headDim: metadata.int("llama.rope.dimension_count") ?? dModel / nHeads,
            ffnHidden: try required("llama.feed_forward_length"),
            rmsEps: metadata.float("llama.attention.layer_norm_rms_epsilon") ?? 1e-5,
            ropeBase: metadata.float("llama.rope.freq_base") ?? 10_000,
            tiedEmbeddings: file.tensor(named: "output.weight") == nil)
    }

    /// A model with the GGUF's weights dequantized to fp32.
    ///
    /// - Throws: `TrainingError` `.unreadableModel` naming the file and tensor that is missing, misshapen or of an
    ///   unsupported type.
    public static func loadModel(from file: GGUFFile) throws -> LlamaModel {
        let model = LlamaModel(config: try config(of: file))
        for tensor in model.layout.tensors {
            guard let info = file.tensor(named: tensor.name) else {
                throw TrainingError(.unreadableModel, "\(file.path): tensor '\(tensor.name)' is missing")
            }
            guard info.elementCount == tensor.count, info.dimensions.first == tensor.shape.last else {
                throw TrainingError(
                    .unreadableModel,
                    "\(file.path): tensor '\(tensor.name)' has dimensions \(info.dimensions); expected \(tensor.shape.reversed())"
                )
            }
            guard QuantizedMatrix.supports(info.type) else {
                throw TrainingError(
                    .unreadableModel,
                    "\(file.path): tensor '\(tensor.name)' has type \(info.type); supported: \(QuantizedMatrix.supportedTypes.map(\.description).joined(separator: ", "))"
                )
            }
            let columns = tensor.shape.last!
            let rows = tensor.count / columns
            let rowBytes = info.type.rowSizeBytes(elementCount: columns)
            file.withUnsafeBytes(of: info) { bytes in
                for row in 0..<rows {
                    let destination = UnsafeMutableBufferPointer(
                        start: model.parameters.pointer + tensor.offset + row * columns, count: columns)
                    QuantizedMatrix.dequantizeRow(
                        type: info.type, bytes.baseAddress! + row * rowBytes, into: destination)
                }
            }
        }
        return model
    }

    /// The GGUF's tokenizer and the names shards may use for it (`general.basename`, `general.name`, file name
    /// and file stem, unless `names` is given).
    ///
    /// - Throws: `TokenizationError` when the vocabulary is unusable.
    public static func tokenizer(of file: GGUFFile, names: [String]? = nil, eosTokenID: Int? = nil) throws
        -> TrainTokenizer
    {
        let tokenizer = try Tokenizer(vocabulary: try Vocabulary(metadata: file.metadata))
        let fileName = String(file.path.split(separator: "/").last ?? "")
        let stem = fileName.hasSuffix(".gguf") ? String(fileName.dropLast(5)) : fileName
        let derived = [file.metadata.string("general.basename"), file.metadata.string("general.name"), fileName, stem]
            .compactMap { $0 }
        return TrainTokenizer(
            names: names ?? derived, eosTokenID: eosTokenID ?? file.metadata.int("tokenizer.ggml.eos_token_id") ?? 0,
            tokenizer: tokenizer)
    }

    /// The byte tokenizer of fresh models: id = UTF-8 byte, EOS = 0 unless given.
    public static func byteTokenizer(names: [String]? = nil, eosTokenID: Int? = nil) -> TrainTokenizer {
        TrainTokenizer(names: names ?? ["bytes"], eosTokenID: eosTokenID ?? 0, tokenizer: nil)
    }
}
