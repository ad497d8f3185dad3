import Augmentation
import Foundation
import GGUF
import Generation
import Inference
import Shards
import Synchronization
import Testing
import Tokenization

/// The real SmolLM2 engine behind a recorder of every generation request the augmenter submits.
private final class RecordingBackend: GenerationBackend {
    let engine: InferenceEngine
    private let recorded = Mutex<[GenerationRequest]>([])

    init(engine: InferenceEngine) { self.engine = engine }

    var requests: [GenerationRequest] { recorded.withLock { $0 } }

    func generateAll(_ requests: [GenerationRequest]) async throws -> [GenerationResult] {
        recorded.withLock { $0.append(contentsOf: requests) }
        return try await engine.generateAll(requests)
    }

    func promptLogProbabilities(tokens: [Int]) async throws -> [Float] {
        try await engine.promptLogProbabilities(tokens: tokens)
    }

    func nextTokenLogProbabilities(tokens: [Int], candidates: [Int]) async throws -> [Float] {
        try await engine.nextTokenLogProbabilities(tokens: tokens, candidates: candidates)
    }
}

/// `attemptRequest` is the request augment submits, attempt by attempt, so `tpt-baseline` (which replays it on the
/// bare engine) measures exactly augment's work.
@Suite(.serialized)
struct AttemptRequestTests {
    @Test func augmentSubmitsExactlyTheAttemptRequests() async throws {
        let modelPath = try TestFixtures.modelPath()
        let engine = InferenceEngine(configuration: InferenceConfiguration(contextTokens: 1024))
        try await engine.load(path: modelPath)
        let file = try GGUFFile(path: modelPath)
        let vocabulary = try Vocabulary(metadata: file.metadata)
        let chatTemplateText = file.metadata.string("tokenizer.chat_template")
        let model = GeneratorModel(
            fileName: "SmolLM2-135M-Instruct.Q4_1.gguf", sha256: "", tokenizer: try Tokenizer(vocabulary: vocabulary),
            chatTemplateText: chatTemplateText,
            chatTemplate: ChatTemplate(templateText: chatTemplateText, vocabulary: vocabulary))
        // Every attempt is too short for the gate, so the trajectory is generated twice and then dead-lettered.
        let budget = 6
        let configuration = TPTAugmenterConfiguration(
            upsampling: UpsamplingPolicy(
                mode: .natural, naturalPlan: .init(trajectories: 1, maxThinkingTokens: budget)),
            gate: TrajectoryGateConfiguration(minThinkingTokens: 100, maxAttempts: 2, capPolicy: .drop),
            repetitionControl: SamplingParameters(presencePenalty: 0.5))
        let backend = RecordingBackend(engine: engine)
        let augmenter = TPTDocumentAugmenter(model: model, configuration: configuration, backend: backend)
        let text = "A train travels 120 km in 2 hours. What is its average speed?\nIt is 120 / 2 = 60 km/h.\n#### 60"
        let outcomes = try await augmenter.augment([
            TPTDocument(id: "doc-1", text: text, source: .init(topic: "raw", partition: 0, offset: 0))
        ])
        guard case .failed(.trajectoryRejected, _) = outcomes.first else {
            Issue.record("expected both attempts to be rejected, got \(outcomes)")
            return
        }

        let expected = (0..<2).map {
            augmenter.attemptRequest(
                documentID: "doc-1", text: text, trajectoryIndex: 0, attempt: $0, maxThinkingTokens: budget)
        }
        let submitted = backend.requests
        #expect(submitted.count == 2)
        for (request, attempt) in zip(submitted, expected) {
            #expect(request.id == attempt.request.id)
            #expect(request.prompt == attempt.request.prompt)
            #expect(request.maxNewTokens == budget)
            #expect(request.sampling == attempt.request.sampling)
            #expect(request.stopStrings == ["</think>"])
            #expect(request.sampling.seed == attempt.seed)
            #expect(request.sampling.temperature == 0.6 && request.sampling.topP == 0.9)
            #expect(request.sampling.presencePenalty == 0.5)
        }
        #expect(expected[0].seed != expected[1].seed)
        guard case .tokens(let tokens) = expected[0].request.prompt else {
            Issue.record("attempt requests carry token ids")
            return
        }
        #expect(model.tokenizer.decode(tokens).contains("#### 60"))
    }
}
