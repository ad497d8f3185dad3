// DifficultyFeatureDump: measures DifficultyFeatures for a deterministic sample of the labelled shared corpora and
// writes one JSON line per document (see scripts/difficulty/REPORT.md).
//
//   DifficultyFeatureDump structural --data ../shared/data --out structural.jsonl   (every document, no model)
//   DifficultyFeatureDump features --model M.gguf --data ../shared/data --out features.jsonl
//   DifficultyFeatureDump trajectories --model M.gguf --data ../shared/data --out trajectories.jsonl [--count 30]
//       [--cap 256] [--max-document-tokens 512] [--threads 1]
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
let modelPath = option(
    "--model",
    "\(ProcessInfo.processInfo.environment["THINKSTREAM_MODELS_DIR"] ?? ".deps/models")/SmolLM2-135M-Instruct.Q4_1.gguf"
)
let dataDirectory = option("--data", "../shared/data")
let outputPath = option("--out", "features.jsonl")

if mode == "structural" {
    do {
        try StructuralDump.run(directory: dataDirectory, to: outputPath)
        exit(0)
    } catch {
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        exit(70)
    }
}

do {
    // One matrix thread by default: the worker pool spins while waiting, which loses badly on a shared machine.
    let threads = Int(option("--threads", "1")) ?? 1
    let engine = InferenceEngine(configuration: InferenceConfiguration(threadCount: threads))
    try await engine.load(path: modelPath)
    let tokenizer = await engine.tokenizer!
    let templateText = try GGUFFile(path: modelPath).metadata.string("tokenizer.chat_template")
    let chatTemplate = ChatTemplate(templateText: templateText, vocabulary: tokenizer.vocabulary)
    // Appends, so an interrupted features run resumes: documents already in the file are skipped.
    if !FileManager.default.fileExists(atPath: outputPath) {
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
    }
    let output = try FileHandle(forUpdating: URL(fileURLWithPath: outputPath))
    let done = Set(
        (try String(contentsOfFile: outputPath, encoding: .utf8)).split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["id"] as? String
        })
    try output.seekToEnd()
    switch mode {
    case "features":
        var sample = try LabelledSample.load(directory: dataDirectory)
        sample.documents.removeAll { done.contains($0.id) }
        try await FeatureDump(engine: engine, tokenizer: tokenizer, chatTemplate: chatTemplate).run(sample, to: output)
    case "trajectories":
        let count = Int(option("--count", "30")) ?? 30
        let cap = Int(option("--cap", "256")) ?? 256
        let sample = try LabelledSample.load(directory: dataDirectory).trajectorySample(count: count)
        let maxDocumentTokens = Int(option("--max-document-tokens", "512")) ?? 512
        try await TrajectoryDump(
            engine: engine, tokenizer: tokenizer, chatTemplate: chatTemplate, cap: cap,
            maxDocumentTokens: maxDocumentTokens
        ).run(sample, to: output)
    default:
        throw DumpError("unknown mode '\(mode)'; use features or trajectories")
    }
    try output.close()
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(70)
}
