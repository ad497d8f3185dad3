import Augmentation
import Foundation
import Generation
import Inference
import Kafka
import Pipeline
import RemoteGeneration
import Shards
import Synchronization
import Testing
import ThinkStreamTesting
import Tokenization

/// A generator that fails the way a completions server does: the real SmolLM2 engine behind a switch that turns
/// every call into the remote backend's outage error (connection refused, then 503) for a while, and refuses the
/// prompts of documents that carry a marker with the engine's `promptTooLong` error (a deterministic failure).
final class FaultInjectingBackend: GenerationBackend {
    static let poisonMarker = "UNGENERATABLE"
    let engine: InferenceEngine
    let outageDuration: Duration
    /// The outage starts at this generation call (1-based).
    let outageStartsAtCall: Int
    private let state = Mutex(State())

    struct State {
        var calls = 0
        var outageStarted: ContinuousClock.Instant?
        var failedDuringOutage = 0
        var generatedAfterOutage = 0
    }

    init(engine: InferenceEngine, outageStartsAtCall: Int, outageDuration: Duration) {
        self.engine = engine
        self.outageStartsAtCall = outageStartsAtCall
        self.outageDuration = outageDuration
    }

    var failedDuringOutage: Int { state.withLock { $0.failedDuringOutage } }
    var generatedAfterOutage: Int { state.withLock { $0.generatedAfterOutage } }

    /// Throws the outage error while the outage lasts; alternates refused connections and 503s.
    private func checkAvailable() throws {
        let failure = state.withLock { state -> RemoteGenerationError? in
            state.calls += 1
            if state.outageStarted == nil, state.calls >= outageStartsAtCall { state.outageStarted = .now }
            guard let started = state.outageStarted else { return nil }
            guard ContinuousClock.now - started < outageDuration else {
                state.generatedAfterOutage += 1
                return nil
            }
            state.failedDuringOutage += 1
            return state.failedDuringOutage % 2 == 1
                ? RemoteGenerationError(
                    .unreachable, "POST http://127.0.0.1:1/v1/completions: Could not connect to the server")
                : RemoteGenerationError(.httpStatus, "POST http://127.0.0.1:1/v1/completions: HTTP 503", status: 503)
        }
        if let failure { throw failure }
    }

    func generateAll(_ requests: [GenerationRequest]) async throws -> [GenerationResult] {
        try checkAvailable()
        for request in requests {
            if case .tokens(let tokens) = request.prompt, let tokenizer = await engine.tokenizer,
                tokenizer.decode(tokens).contains(Self.poisonMarker)
            {
                throw InferenceError(.promptTooLong, "prompt of request \(request.id) is beyond the context (injected)")
            }
        }
        return try await engine.generateAll(requests)
    }

    func promptLogProbabilities(tokens: [Int]) async throws -> [Float] {
        try checkAvailable()
        return try await engine.promptLogProbabilities(tokens: tokens)
    }

    func nextTokenLogProbabilities(tokens: [Int], candidates: [Int]) async throws -> [Float] {
        try checkAvailable()
        return try await engine.nextTokenLogProbabilities(tokens: tokens, candidates: candidates)
    }
}

/// Item 3 of the production issue: a generator outage is waited out (no dead letters, nothing lost or duplicated),
/// a document whose generation fails deterministically becomes a dead letter with the reason, and the worker never
/// crashes.
@Suite(.serialized, .tags(.integration))
struct GeneratorOutageTests {
    static let modelName = "SmolLM2-135M-Instruct.Q4_1"

    /// SmolLM2 loaded in a fresh engine, and its path.
    static func loadedEngine() async throws -> (path: String, engine: InferenceEngine) {
        let modelPath = try ModelFixtures.modelPath(modelName)
        let engine = InferenceEngine(configuration: InferenceConfiguration(contextTokens: 1024))
        try await engine.load(path: modelPath)
        return (modelPath, engine)
    }

    /// One short natural trajectory per document, gates open: these tests are about failures, not quality.
    static func method(maxThinkingTokens: Int) -> TPTAugmenterConfiguration {
        TPTAugmenterConfiguration(
            upsampling: UpsamplingPolicy(
                mode: .natural, naturalPlan: .init(trajectories: 1, maxThinkingTokens: maxThinkingTokens)),
            gate: TrajectoryGateConfiguration(
                maxRepeatedNGramFraction: 1, maxCopiedNGramFraction: 1, minThinkingTokens: 1, maxAttempts: 1))
    }

    @Test func anOutageIsWaitedOutAndADeterministicFailureIsADeadLetter() async throws {
        let (modelPath, engine) = try await Self.loadedEngine()
        let backend = FaultInjectingBackend(engine: engine, outageStartsAtCall: 4, outageDuration: .seconds(3))
        let retry = GeneratorOutageRetry(initialBackoff: .milliseconds(100), maximumBackoff: .milliseconds(400))
        let augmenter = try TPTDocumentAugmenter(
            model: try GeneratorModel(modelPath: modelPath), configuration: Self.method(maxThinkingTokens: 6),
            backend: backend, outageRetry: retry)

        try await withBroker { servers in
            let topics = TopicNames(prefix: "outage-\(UUID().uuidString.prefix(6).lowercased())")
            let documentCount = 16
            let poisoned = "doc-7"
            try RawTopicFixture.produce(
                (0..<documentCount).map {
                    "doc-\($0)" == poisoned
                        ? "A note that says \(FaultInjectingBackend.poisonMarker) in the middle of its text."
                        : "Water boils at \(90 + $0) degrees when the pressure drops; explain why in step \($0)."
                }, servers: servers, topics: topics, partitions: 2)

            let service = try AugmentService(
                configuration: .init(
                    topics: topics, groupID: "outage-group", transactionalID: "outage-worker", maxDocumentsInFlight: 4,
                    shardLimits: .init(maxSamples: 4), idleFlush: .milliseconds(300)),
                client: KafkaClientConfiguration(bootstrapServers: servers, profile: .embedded), augmenter: augmenter,
                logger: TestLogging.logger)
            let summary = try await service.run(stopWhenIdle: .seconds(3), isCancelled: { false })

            #expect(backend.failedDuringOutage >= 2, "the outage hit \(backend.failedDuringOutage) calls")
            #expect(backend.generatedAfterOutage >= 1, "work resumed after the outage")
            #expect(retry.outageCount >= 1 && retry.retryCount >= backend.failedDuringOutage)
            #expect(!retry.isWaiting)
            #expect(summary.documentsIn == documentCount)

            // Raw records, before any de-duplication: every document exactly once, in a shard or as a dead letter.
            let shardRecords = try TopicReader.readAll(
                servers: servers, topic: topics.shards, expected: 4, timeout: .seconds(30)
            )
            .filter { !$0.value.isEmpty }
            var samplesByDocument: [String: Int] = [:]
            for record in shardRecords {
                let shard = try ShardCodec.decode(record.value, source: "\(record.topic)@\(record.offset)")
                for sample in shard.samples { samplesByDocument[sample.documentID, default: 0] += 1 }
            }
            let letters = try TopicReader.readAll(
                servers: servers, topic: topics.deadLetters, expected: 1, timeout: .seconds(30)
            )
            .filter { !$0.value.isEmpty }
            #expect(
                samplesByDocument.count == documentCount - 1,
                "documents with samples: \(samplesByDocument.keys.sorted())")
            #expect(
                samplesByDocument.values.allSatisfy { $0 == 1 },
                "duplicated: \(samplesByDocument.filter { $0.value > 1 })")
            #expect(samplesByDocument[poisoned] == nil)
            #expect(letters.count == 1, "only the poisoned document is a dead letter; got \(letters.count)")
            let letter = try #require(letters.first)
            #expect(letter.key.map { String(decoding: $0, as: UTF8.self) } == poisoned)
            #expect(letter.header("error.code") == "generation_failed")
            let message = letter.header("error.message") ?? ""
            #expect(
                message.contains("thinking generation failed") && message.contains("beyond the context"), "\(message)")
        }
    }

    @Test func aWorkerAskedToStopDuringAnOutageLeavesItsBatchToTheNextWorker() async throws {
        let (modelPath, engine) = try await Self.loadedEngine()
        func augmenter(_ backend: FaultInjectingBackend, _ retry: GeneratorOutageRetry) throws -> TPTDocumentAugmenter {
            try TPTDocumentAugmenter(
                model: try GeneratorModel(modelPath: modelPath), configuration: Self.method(maxThinkingTokens: 4),
                backend: backend, outageRetry: retry)
        }
        try await withBroker { servers in
            let topics = TopicNames(prefix: "stop-\(UUID().uuidString.prefix(6).lowercased())")
            try RawTopicFixture.produce(
                (0..<4).map { "Ice melts at zero degrees; document \($0) explains why." }, servers: servers,
                topics: topics, partitions: 1)
            let client = KafkaClientConfiguration(bootstrapServers: servers, profile: .embedded)
            func service(_ augmenter: TPTDocumentAugmenter, _ name: String) throws -> AugmentService {
                try AugmentService(
                    configuration: .init(
                        topics: topics, groupID: "stop-group", transactionalID: "stop-\(name)", maxDocumentsInFlight: 4,
                        shardLimits: .init(maxSamples: 4), idleFlush: .milliseconds(300)),
                    client: client, augmenter: augmenter, logger: TestLogging.logger)
            }

            // The first worker's generator is down for good; it is asked to stop once it waits for it.
            let downRetry = GeneratorOutageRetry(initialBackoff: .milliseconds(100), maximumBackoff: .milliseconds(200))
            let down = FaultInjectingBackend(engine: engine, outageStartsAtCall: 1, outageDuration: .seconds(3600))
            let stopped = try await service(try augmenter(down, downRetry), "down").run(isCancelled: {
                downRetry.isWaiting
            })
            #expect(stopped.documentsIn == 0 && stopped.shardsCommitted == 0 && stopped.deadLetters == 0)
            #expect(down.failedDuringOutage >= 1)

            // The next worker of the group reads the same documents again: all four, once each.
            let healthy = FaultInjectingBackend(engine: engine, outageStartsAtCall: .max, outageDuration: .zero)
            let summary = try await service(try augmenter(healthy, GeneratorOutageRetry()), "up").run(
                stopWhenIdle: .seconds(3), isCancelled: { false })
            #expect(summary.documentsIn == 4 && summary.samplesOut == 4 && summary.deadLetters == 0)
            let shardRecords = try TopicReader.readAll(
                servers: servers, topic: topics.shards, expected: 1, timeout: .seconds(30)
            )
            .filter { !$0.value.isEmpty }
            let documents = try shardRecords.flatMap {
                try ShardCodec.decode($0.value, source: "shard").samples.map(\.documentID)
            }
            #expect(documents.sorted() == ["doc-0", "doc-1", "doc-2", "doc-3"])
        }
    }

    @Test func outagesAndRequestFailuresAreToldApart() {
        #expect(GeneratorOutage.isOutage(RemoteGenerationError(.unreachable, "refused")))
        #expect(GeneratorOutage.isOutage(RemoteGenerationError(.httpStatus, "503", status: 503)))
        #expect(GeneratorOutage.isOutage(RemoteGenerationError(.httpStatus, "429", status: 429)))
        #expect(!GeneratorOutage.isOutage(RemoteGenerationError(.httpStatus, "400", status: 400)))
        #expect(!GeneratorOutage.isOutage(RemoteGenerationError(.malformedResponse, "not JSON")))
        #expect(!GeneratorOutage.isOutage(InferenceError(.promptTooLong, "too long")))
        #expect(!GeneratorOutage.isOutage(CancellationError()))
        // Through a wrapping error: the difficulty estimator reports a failed scoring call with its cause.
        #expect(
            GeneratorOutage.isOutage(
                AugmentationError(
                    .engineFailure, "scoring failed", cause: RemoteGenerationError(.unreachable, "refused"))))
        #expect(
            !GeneratorOutage.isOutage(
                AugmentationError(.engineFailure, "scoring failed", cause: InferenceError(.promptTooLong, "long"))))
    }

    @Test func stoppingDuringAnOutageEndsTheWaitWithoutCommittingTheBatch() async throws {
        let retry = GeneratorOutageRetry(initialBackoff: .milliseconds(50), maximumBackoff: .milliseconds(100))
        let attempts = Atomic<Int>(0)
        let waiting = Task {
            try await retry.run("test call") { () async throws -> Int in
                attempts.add(1, ordering: .relaxed)
                throw RemoteGenerationError(.unreachable, "refused")
            }
        }
        let deadline = ContinuousClock.now + .seconds(10)
        while attempts.load(ordering: .relaxed) < 3, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(retry.isWaiting)
        waiting.cancel()
        let result = await waiting.result
        #expect(throws: CancellationError.self) { try result.get() }
        #expect(attempts.load(ordering: .relaxed) >= 3)
        #expect(!retry.isWaiting)
    }
}
