import Foundation
import GGUF
import Inference
import Tokenization

/// Models and shared data for the Augmentation tests.
enum TestFixtures {
    static let smolLM2 = "SmolLM2-135M-Instruct.Q4_1"

    /// `<package root>`, from this file's path.
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `THINKSTREAM_MODELS_DIR/<name>.gguf`, else `<package root>/.deps/models/<name>.gguf`.
    static func modelPath(_ name: String = smolLM2) throws -> String {
        let directory =
            ProcessInfo.processInfo.environment["THINKSTREAM_MODELS_DIR"]
            ?? packageRoot.appendingPathComponent(".deps/models").path
        let path = "\(directory)/\(name).gguf"
        guard FileManager.default.fileExists(atPath: path) else {
            throw MissingFixture(description: "model file \(path) is missing; set THINKSTREAM_MODELS_DIR")
        }
        return path
    }

    /// `THINKSTREAM_SHARED_DIR/data/<file>`, else `<package root>/../shared/data/<file>`.
    static func sharedDataPath(_ file: String) -> String {
        let shared =
            ProcessInfo.processInfo.environment["THINKSTREAM_SHARED_DIR"]
            ?? packageRoot.deletingLastPathComponent().appendingPathComponent("shared").path
        return "\(shared)/data/\(file)"
    }

    /// The first record of a shared JSONL file whose id is `id`.
    static func sharedRecord(_ file: String, id: String) throws -> [String: Any] {
        let path = sharedDataPath(file)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw MissingFixture(description: "\(path) is missing; set THINKSTREAM_SHARED_DIR")
        }
        for line in data.split(separator: UInt8(ascii: "\n")) {
            if let object = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                object["id"] as? String == id
            {
                return object
            }
        }
        throw MissingFixture(description: "\(path) has no record \(id)")
    }

    struct Generator: Sendable {
        let tokenizer: Tokenizer
        let chatTemplate: ChatTemplate
    }

    /// SmolLM2's tokenizer and chat template, read from the GGUF file once.
    static let generatorResult: Result<Generator, MissingFixture> = {
        do {
            let file = try GGUFFile(path: try modelPath())
            let tokenizer = try Tokenizer(vocabulary: Vocabulary(metadata: file.metadata))
            let template = ChatTemplate(
                templateText: file.metadata.string("tokenizer.chat_template"), vocabulary: tokenizer.vocabulary)
            return .success(Generator(tokenizer: tokenizer, chatTemplate: template))
        } catch let error as MissingFixture {
            return .failure(error)
        } catch {
            return .failure(MissingFixture(description: "\(smolLM2): \(error)"))
        }
    }()

    static func generator() throws -> Generator { try generatorResult.get() }
}

/// A test input that is not where it should be.
struct MissingFixture: Error, CustomStringConvertible {
    let description: String
}
