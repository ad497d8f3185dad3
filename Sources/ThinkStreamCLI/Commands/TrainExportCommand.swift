import ArgumentParser
import Foundation
import ModelConversion
import GGUF
import Pipeline
import Training

/// `thinkstream train export`: a checkpoint as GGUF (for `thinkstream generate` and llama.cpp) or safetensors.
struct TrainExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a trainer checkpoint as GGUF (f32 or --f16) and/or a Hugging Face safetensors directory.",
        discussion: """
            --checkpoint is a checkpoint directory (its newest valid file is used) or one .tsck file. The GGUF \
            copies the tokenizer and general.* metadata of the model the run started from (or --model).
            Exit codes: 0 written, 64 usage or unreadable checkpoint, 70 write failure.
            """)

    @Option(help: "Checkpoint directory or file.")
    var checkpoint: String

    @Option(help: "Write a GGUF here.")
    var gguf: String?

    @Flag(help: "Store 2-D weights as f16 in the GGUF.")
    var f16 = false

    @Option(help: "Write model.safetensors and config.json into this directory.")
    var safetensors: String?

    @Option(help: "GGUF whose tokenizer metadata is copied (default: the run's start model).")
    var model: String?

    func run() throws {
        guard gguf != nil || safetensors != nil else {
            throw ValidationError("give --gguf <file> and/or --safetensors <dir>")
        }
        do {
            let (checkpoint, startModel) = try TrainExport.loadCheckpoint(self.checkpoint)
            if let gguf {
                let source = try (model ?? startModel).map { try GGUFFile(path: $0) }
                try TrainExport.writeGGUF(checkpoint, to: gguf, tokenizerSource: source, f16: f16)
                print("wrote \(gguf) (step \(checkpoint.step), \(f16 ? "f16" : "f32"))")
            }
            if let safetensors {
                let source = try (model ?? startModel).map { try GGUFFile(path: $0) }
                try TrainExport.writeSafetensors(checkpoint, to: safetensors, tokenizerSource: source)
                print("wrote \(safetensors)/model.safetensors and config.json (step \(checkpoint.step))")
            }
        } catch {
            throw CommandBootstrap.fail(error)
        }
    }
}
