import Inference
import Testing

/// One loaded engine per model, shared by every test in the process.
actor ModelFixtures {
    static let shared = ModelFixtures()
    private var engines: [String: InferenceEngine] = [:]

    /// The engine holding `name`, loaded on first use; throws clearly when the file is missing.
    func engine(_ name: String) async throws -> InferenceEngine {
        if let engine = engines[name] { return engine }
        let engine = InferenceEngine(
            configuration: InferenceConfiguration(contextTokens: 1024, maxSequences: 16, maxBatchTokens: 512),
            name: "test.\(name.prefix(8))")
        try await engine.load(path: try TestPaths.modelPath(name))
        engines[name] = engine
        return engine
    }
}

/// Every suite that runs the three real models, one at a time: their engines each spin a worker thread, and
/// running them side by side on 2 cores only slows every one of them down.
@Suite(.serialized)
enum ModelTests {}
