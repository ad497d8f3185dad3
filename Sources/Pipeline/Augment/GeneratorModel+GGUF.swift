import Augmentation
import Crypto
import Foundation
import GGUF
import Tokenization

extension GeneratorModel {
    /// Reads the generator's tokenizer and chat template from its GGUF metadata and digests the file.
    ///
    /// - Parameter path: the generator's GGUF file.
    /// - Throws: `GGUFError`/`TokenizationError` for an unusable model file, `PipelineError` when it cannot be read.
    public init(modelPath path: String) throws {
        let file = try GGUFFile(path: path)
        let vocabulary = try Vocabulary(metadata: file.metadata)
        let chatTemplateText = file.metadata.string("tokenizer.chat_template")
        self.init(
            fileName: URL(fileURLWithPath: path).lastPathComponent, sha256: try Self.sha256(ofFile: path),
            tokenizer: try Tokenizer(vocabulary: vocabulary), chatTemplateText: chatTemplateText,
            chatTemplate: ChatTemplate(templateText: chatTemplateText, vocabulary: vocabulary))
    }

    private static func sha256(ofFile path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw PipelineError(.unreadableInput, "\(path): cannot open the model file")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 8 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
