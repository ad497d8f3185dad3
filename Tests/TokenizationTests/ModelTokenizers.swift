import ThinkStreamTesting
import GGUF
import Inference  // GGUFMetadata: VocabularyMetadataSource
import Tokenization

/// The three models' tokenizers and chat templates, loaded once per test process.
enum ModelTokenizers {
    struct Loaded: Sendable {
        let tokenizer: Tokenizer
        let chatTemplateText: String?
    }

    private static let loaded: [String: Result<Loaded, MissingFixture>] = {
        var result: [String: Result<Loaded, MissingFixture>] = [:]
        for name in TestPaths.modelNames {
            do {
                let file = try GGUFFile(path: try TestPaths.modelPath(name))
                let vocabulary = try Vocabulary(metadata: file.metadata)
                let loaded = Loaded(
                    tokenizer: try Tokenizer(vocabulary: vocabulary),
                    chatTemplateText: file.metadata.string("tokenizer.chat_template"))
                result[name] = .success(loaded)
            } catch let error as MissingFixture {
                result[name] = .failure(error)
            } catch {
                result[name] = .failure(MissingFixture(description: "\(name): \(error)"))
            }
        }
        return result
    }()

    /// The loaded model, or a clear error when its file is missing.
    static func model(_ name: String) throws -> Loaded {
        guard let entry = loaded[name] else { throw MissingFixture(description: "unknown model \(name)") }
        return try entry.get()
    }
}
