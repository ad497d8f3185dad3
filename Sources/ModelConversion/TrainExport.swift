// Exports a trainer checkpoint: GGUF (f32 or f16 weights, llama.cpp names and llama-arch metadata, the tokenizer
// metadata copied from the start GGUF) for `thinkstream generate` and llama.cpp, or a Hugging Face directory.
// A fresh byte-tokenizer model gets a 256-token byte vocabulary (`<0x00>` ... `<0xFF>`, SentencePiece byte type).
import Foundation
import GGUF
import Training

/// Writes checkpoints in other formats.
public enum TrainExport {
    /// The newest valid checkpoint in `directory` (or the file itself), with the start GGUF it names.
    ///
    /// - Throws: `TrainingError` `.unreadableModel` when there is none.
    public static func loadCheckpoint(_ path: String) throws -> (
        checkpoint: TrainingCheckpoint, startModelPath: String?
    ) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw TrainingError(.unreadableModel, "\(path): no such checkpoint file or directory")
        }
        let store = CheckpointStore(
            directory: isDirectory.boolValue ? path : (path as NSString).deletingLastPathComponent)
        let checkpoint: TrainingCheckpoint
        if isDirectory.boolValue {
            guard let loaded = try store.loadNewestValid() else {
                throw TrainingError(.unreadableModel, "\(path): no valid checkpoint-*.tsck file; train first")
            }
            checkpoint = loaded.checkpoint
        } else {
            checkpoint = try store.load(path: path)
        }
        return (checkpoint, TrainerStateFields(checkpoint)?.startModelPath)
    }

    /// Writes `checkpoint`'s weights as a llama GGUF.
    ///
    /// - Parameters:
    ///   - tokenizerSource: the GGUF whose `tokenizer.*` and `general.*` keys are copied; `nil` writes the byte
    ///     vocabulary of fresh models.
    ///   - f16: store 2-D weights as f16 (norms stay f32, as llama.cpp does).
    /// - Throws: `GGUFError` or `TrainingError` when the file cannot be written.
    public static func writeGGUF(
        _ checkpoint: TrainingCheckpoint, to path: String, tokenizerSource: GGUFFile?, f16: Bool,
        contextLength: Int = 8192
    ) throws {
        let config = checkpoint.config
        var metadata = GGUFMetadata()
        metadata.set("general.architecture", .string("llama"))
        if let source = tokenizerSource {
            for key in source.metadata.keys
            where key.hasPrefix("general.") && key != "general.architecture" && key != "general.file_type"
                && key != "general.quantization_version"
            {
                metadata.set(key, source.metadata[key]!)
            }
        } else {
            metadata.set("general.name", .string("thinkstream-fresh"))
        }
        metadata.set("general.file_type", .uint32(f16 ? 1 : 0))
        metadata.set("llama.block_count", .uint32(UInt32(config.nLayers)))
        metadata.set("llama.context_length", .uint32(UInt32(contextLength)))
        metadata.set("llama.embedding_length", .uint32(UInt32(config.dModel)))
        metadata.set("llama.feed_forward_length", .uint32(UInt32(config.ffnHidden)))
        metadata.set("llama.attention.head_count", .uint32(UInt32(config.nHeads)))
        metadata.set("llama.attention.head_count_kv", .uint32(UInt32(config.nKVHeads)))
        metadata.set("llama.rope.freq_base", .float32(config.ropeBase))
        metadata.set("llama.attention.layer_norm_rms_epsilon", .float32(config.rmsEps))
        metadata.set("llama.vocab_size", .uint32(UInt32(config.vocab)))
        metadata.set("llama.rope.dimension_count", .uint32(UInt32(config.headDim)))
        if let source = tokenizerSource {
            for key in source.metadata.keys where key.hasPrefix("tokenizer.") {
                metadata.set(key, source.metadata[key]!)
            }
        } else {
            let tokens = (0..<config.vocab).map {
                GGUFValue.string($0 < 256 ? String(format: "<0x%02X>", $0) : "<extra_\($0)>")
            }
            metadata.set("tokenizer.ggml.model", .string("llama"))
            metadata.set("tokenizer.ggml.tokens", .array(elementType: .string, values: tokens))
            metadata.set(
                "tokenizer.ggml.scores", .array(elementType: .float32, values: tokens.map { _ in .float32(0) }))
            metadata.set(
                "tokenizer.ggml.token_type",
                .array(elementType: .int32, values: (0..<config.vocab).map { .int32($0 < 256 ? 6 : 4) }))
            metadata.set("tokenizer.ggml.eos_token_id", .uint32(0))
            metadata.set("tokenizer.ggml.add_bos_token", .bool(false))
        }
        var writer = GGUFWriter(metadata: metadata)
        let layout = ParameterLayout(config: config)
        for tensor in layout.tensors {
            let values = Array(checkpoint.parameters[tensor.offset..<(tensor.offset + tensor.count)])
            let dimensions = Array(tensor.shape.reversed())  // ggml order: ne0 = columns
            if f16 && tensor.shape.count == 2 {
                try writer.addTensor(name: tensor.name, dimensions: dimensions, float16: values)
            } else {
                try writer.addTensor(name: tensor.name, dimensions: dimensions, float32: values)
            }
        }
        try writer.write(toPath: path)
    }

    /// Writes `model.safetensors` and `config.json` (Hugging Face `LlamaForCausalLM`) into `directory`; the config
    /// records the EOS the run packed with and, when `tokenizerSource` is given, its BOS.
    public static func writeSafetensors(
        _ checkpoint: TrainingCheckpoint, to directory: String, tokenizerSource: GGUFFile? = nil
    ) throws {
        let state = TrainerStateFields(checkpoint)
        try HuggingFaceExport.write(
            checkpoint.restore().model, to: directory,
            bosTokenID: tokenizerSource?.metadata.int("tokenizer.ggml.bos_token_id"),
            eosTokenID: state?.eosTokenID ?? tokenizerSource?.metadata.int("tokenizer.ggml.eos_token_id"))
    }
}

/// The fields of `train`'s JSON trainer state (`TrainService.TrainerState`) that an export needs; nil for a
/// checkpoint without one.
private struct TrainerStateFields: Decodable {
    var startModelPath: String?
    var eosTokenID: Int?

    init?(_ checkpoint: TrainingCheckpoint) {
        guard let fields = try? JSONDecoder().decode(Self.self, from: Data(checkpoint.trainerState)) else { return nil }
        self = fields
    }
}
