import Foundation
import ModelConversion
import GGUF
import Pipeline
import Randomness
import Testing
import Tensors
import Training

@Suite struct TrainExportTests {
    /// A checkpoint exported to f32 GGUF loads back (through the trainer's GGUF start path) to the same weights; f16
    /// export is within half precision; safetensors export writes both files.
    @Test func ggufExportRoundTripsThroughTheGGUFStartPath() throws {
        let directory = TrainFixtures.temporaryDirectory("train-export")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let model = LlamaModel(config: .tiny, seed: 3)
        let optimizer = AdamW(layout: model.layout)
        let checkpoint = TrainingCheckpoint(model: model, optimizer: optimizer, step: 5, random: SplitMix64(seed: 1))
        try CheckpointStore(directory: directory + "/checkpoints").save(checkpoint)
        let (loaded, startModel) = try TrainExport.loadCheckpoint(directory + "/checkpoints")
        #expect(loaded.step == 5 && startModel == nil)

        try TrainExport.writeGGUF(loaded, to: directory + "/f32.gguf", tokenizerSource: nil, f16: false)
        let file = try GGUFFile(path: directory + "/f32.gguf")
        #expect(try TrainModelSource.config(of: file) == .tiny)
        #expect(file.metadata.stringArray("tokenizer.ggml.tokens")?.count == 256)
        let reloaded = try TrainModelSource.loadModel(from: file)
        #expect(reloaded.parameters.array == model.parameters.array)

        try TrainExport.writeGGUF(loaded, to: directory + "/f16.gguf", tokenizerSource: nil, f16: true)
        let half = try TrainModelSource.loadModel(from: try GGUFFile(path: directory + "/f16.gguf"))
        let maxError = zip(half.parameters.array, model.parameters.array).map { abs($0 - $1) }.max() ?? 0
        #expect(maxError < 1e-3)

        try TrainExport.writeSafetensors(loaded, to: directory + "/hf")
        #expect(FileManager.default.fileExists(atPath: directory + "/hf/model.safetensors"))
        #expect(FileManager.default.fileExists(atPath: directory + "/hf/config.json"))
    }
}
