// DifficultyFeatureDump: measures DifficultyFeatures for a deterministic sample of the labelled shared corpora and
// writes one JSON line per document (see scripts/difficulty/REPORT.md).
//
//   DifficultyFeatureDump features --model M.gguf --data ../shared/data --out features.jsonl
//   DifficultyFeatureDump trajectories --model M.gguf --data ../shared/data --out trajectories.jsonl [--count 30]
import Foundation
import GGUF
import Inference
import Tokenization

let arguments = Array(CommandLine.arguments.dropFirst())
func option(_ name: String, _ fallback: String) -> String {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return fallback }
    return arguments[index + 1]
}
let mode = arguments.first ?? "features"
let modelPath = option("--model", "\(ProcessInfo.processInfo.environment["THINKSTREAM_MODELS_DIR"] ?? ".deps/models")/SmolLM2-135M-Instruct.Q4_1.gguf")
let dataDirectory = option("--data", "../shared/data")
let outputPath = option("--out", "features.jsonl")

do {
    let engine = InferenceEngine()
    try await engine.load(path: modelPath)
    let tokenizer = await engine.tokenizer!
    let templateText = try GGUFFile(path: modelPath).metadata.string("tokenizer.chat_template")
    let chatTemplate = ChatTemplate(templateText: templateText, vocabulary: tokenizer.vocabulary)
    FileManager.default.createFile(atPath: outputPath, contents: nil)
    let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
    switch mode {
    case "features":
        let sample = try LabelledSample.load(directory: dataDirectory)
        try await FeatureDump(engine: engine, tokenizer: tokenizer, chatTemplate: chatTemplate).run(sample, to: output)
    case "trajectories":
        let count = Int(option("--count", "30")) ?? 30
        let cap = Int(option("--cap", "256")) ?? 256
        let sample = try LabelledSample.load(directory: dataDirectory).trajectorySample(count: count)
        _ = (sample, cap)
        throw DumpError("trajectories: not built yet")
    default:
        throw DumpError("unknown mode '\(mode)'; use features or trajectories")
    }
    try output.close()
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(70)
}
