// Which weights and tokenizer `eval` uses. A GGUF brings its own tokenizer. A train checkpoint records, in its
// trainer state, the GGUF its run started from (whose tokenizer and EOS it trained with) or none (fresh weights, byte
// tokenizer); when that GGUF is not at the recorded path, or the checkpoint has no trainer state and is not a
// 256-token byte model, `--tokenizer-model` names the tokenizer.
import Foundation
import ModelConversion
import GGUF
import Training

extension ModelEvaluation {
    /// The weights and tokenizer to evaluate, and where they came from.
    struct Loaded {
        var model: LlamaModel
        var tokenizer: TrainTokenizer
        var path: String
        var step: Int?
        var rejected: [String]
    }

    func load() throws -> Loaded {
        switch source {
        case .gguf(let path):
            let file = try Self.open(path, role: "model")
            let model = try TrainModelSource.loadModel(from: file)
            let tokenizerFile = try tokenizerModelPath.map { try Self.open($0, role: "tokenizer model") } ?? file
            let tokenizer = try Self.tokenizer(of: tokenizerFile)
            return Loaded(model: model, tokenizer: tokenizer, path: path, step: nil, rejected: [])
        case .checkpoint(let path):
            return try loadCheckpoint(path)
        }
    }

    func loadCheckpoint(_ path: String) throws -> Loaded {
        let (checkpoint, chosen, rejected) = try Self.newestCheckpoint(path)
        let state = try? JSONDecoder().decode(TrainService.TrainerState.self, from: Data(checkpoint.trainerState))
        let tokenizer: TrainTokenizer
        if let tokenizerModelPath {
            // The given GGUF stands in for the run's start model; a run from a GGUF keeps the EOS it trained with.
            let eos = state?.startModelPath != nil ? state?.eosTokenID : nil
            let file = try Self.open(tokenizerModelPath, role: "tokenizer model")
            tokenizer = try Self.tokenizer(of: file, eosTokenID: eos)
        } else if let state, let start = state.startModelPath {
            guard let file = try? GGUFFile(path: start) else {
                throw PipelineError(
                    .unreadableInput,
                    "\(chosen): its run started from \(start), which cannot be opened here, so its tokenizer is "
                        + "unknown; give --tokenizer-model <gguf> with that model's tokenizer")
            }
            tokenizer = try Self.tokenizer(of: file, names: state.tokenizerNames, eosTokenID: state.eosTokenID)
        } else if let state {
            tokenizer = TrainModelSource.byteTokenizer(names: state.tokenizerNames, eosTokenID: state.eosTokenID)
        } else if checkpoint.config.vocab == 256 {
            tokenizer = TrainModelSource.byteTokenizer()  // as `train export` reads a checkpoint without trainer state
        } else {
            throw PipelineError(
                .unreadableInput,
                "\(chosen): holds no trainer state (not written by thinkstream train), so its tokenizer is unknown; "
                    + "give --tokenizer-model <gguf> with the model's tokenizer")
        }
        let model = checkpoint.restore().model
        return Loaded(model: model, tokenizer: tokenizer, path: chosen, step: checkpoint.step, rejected: rejected)
    }

    /// The newest valid checkpoint in a directory, or the file itself, with its path and the newer files rejected.
    static func newestCheckpoint(_ path: String) throws -> (TrainingCheckpoint, path: String, rejected: [String]) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw PipelineError(
                .unreadableInput, "\(path): no such checkpoint directory or file; give a train --checkpoint-dir")
        }
        do {
            guard isDirectory.boolValue else {
                let store = CheckpointStore(directory: (path as NSString).deletingLastPathComponent)
                return (try store.load(path: path), path, [])
            }
            guard let loaded = try CheckpointStore(directory: path).loadNewestValid() else {
                throw PipelineError(
                    .unreadableInput, "\(path): no valid checkpoint-*.tsck file; train first or give another directory")
            }
            return (loaded.checkpoint, loaded.path, loaded.rejected.map(\.message))
        } catch let error as TrainingError {
            throw PipelineError(.unreadableInput, error.message, cause: error)
        }
    }

    static func open(_ path: String, role: String) throws -> GGUFFile {
        do {
            return try GGUFFile(path: path)
        } catch {
            throw PipelineError(.unreadableInput, "\(path): cannot open the \(role): \(error)", cause: error)
        }
    }

    static func tokenizer(of file: GGUFFile, names: [String]? = nil, eosTokenID: Int? = nil) throws -> TrainTokenizer {
        do {
            return try TrainModelSource.tokenizer(of: file, names: names, eosTokenID: eosTokenID)
        } catch {
            throw PipelineError(.unreadableInput, "\(file.path): its tokenizer cannot be used: \(error)", cause: error)
        }
    }
}
