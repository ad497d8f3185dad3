import Foundation
import GGUF
import Generation
import Inference
import Testing

@Suite
struct BadInputTests {
    func loadError(_ path: String) async -> InferenceError? {
        do {
            try await InferenceEngine(configuration: InferenceConfiguration(threadCount: 1)).load(path: path)
            return nil
        } catch {
            return error as? InferenceError
        }
    }

    @Test
    func truncatedFileIsUnreadable() async throws {
        let source = try TinyModelFiles.writeQwen3()
        let bytes = try Data(contentsOf: URL(fileURLWithPath: source))
        let path = TinyModelFiles.temporaryPath("truncated.gguf")
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: path))
        defer { for file in [source, path] { try? FileManager.default.removeItem(atPath: file) } }
        let error = try #require(await loadError(path))
        #expect(error.code == .unreadableModel)
        #expect(error.message.contains(path))
    }

    @Test
    func corruptMagicIsUnreadable() async throws {
        let path = TinyModelFiles.temporaryPath("corrupt.gguf")
        try Data("not a gguf file at all".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = try #require(await loadError(path))
        #expect(error.code == .unreadableModel)
    }

    @Test
    func unknownArchitectureListsTheSupportedOnes() async throws {
        let path = try TinyModelFiles.writeQwen3(architecture: "mamba")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = try #require(await loadError(path))
        #expect(error.code == .unsupportedArchitecture)
        #expect(error.message.contains("mamba"))
        #expect(error.message.contains("llama, qwen2, qwen3, gemma3"))
    }

    @Test
    func missingTensorIsNamed() async throws {
        let path = try TinyModelFiles.writeQwen3(omitting: "blk.1.attn_k_norm.weight")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = try #require(await loadError(path))
        #expect(error.code == .missingTensor)
        #expect(error.message.contains("'blk.1.attn_k_norm.weight'"))
    }

    @Test
    func promptLongerThanTheContextIsRejected() async throws {
        let engine = InferenceEngine(configuration: InferenceConfiguration(contextTokens: 64, threadCount: 1))
        try await engine.load(path: try TestPaths.modelPath(TestPaths.smolLM2))
        let long = GenerationRequest(id: "long", prompt: .tokens(Array(repeating: 504, count: 100)))
        do {
            _ = try await engine.generate([long])
            Issue.record("expected promptTooLong")
        } catch let error as InferenceError {
            #expect(error.code == .promptTooLong)
            #expect(error.message.contains("'long'"))
            #expect(error.message.contains("100 tokens"))
        }
    }

    @Test
    func tokenOutsideTheVocabularyIsRejected() async throws {
        let engine = try await ModelFixtures.shared.engine(TestPaths.smolLM2)
        do {
            _ = try await engine.generate([GenerationRequest(id: "bad", prompt: .tokens([1, 999_999]))])
            Issue.record("expected invalidRequest")
        } catch let error as InferenceError {
            #expect(error.code == .invalidRequest)
            #expect(error.message.contains("999999"))
        }
    }

    @Test
    func generatingBeforeLoadingFails() async throws {
        do {
            _ = try await InferenceEngine(configuration: InferenceConfiguration(threadCount: 1)).generate([])
            Issue.record("expected modelNotLoaded")
        } catch let error as InferenceError {
            #expect(error.code == .modelNotLoaded)
        }
    }
}
