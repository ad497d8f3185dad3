import Crypto
import Foundation
import Generation
import Shards
import Synchronization
import Tokenization

/// The TPT augmenter: scores each document's difficulty from two prefills, plans trajectories by level, generates
/// them in one batch, applies the quality gates with re-generation under new seeds, and composes
/// `[document; <think>thinking</think>]` samples tokenized for the trainer (the generator's own tokenizer).
///
/// The generator is a ``GenerationBackend``: the in-process engine, or a remote completions server running a model
/// with the local model file's tokenizer (prompts travel as token ids). The augment service streams documents
/// through it (Pipeline's `DocumentAugmenting` conformance); `score` uses it without a broker.
public final class TPTDocumentAugmenter: Sendable {
    public let configuration: TPTAugmenterConfiguration
    public let generator: ShardManifest.Generator
    public let tokenizerName: String
    private let backend: any GenerationBackend
    private let generatedTokens = GeneratedTokenCounter()

    /// Tokens generated so far over every attempt, rejected ones included (what the generator actually did).
    public var generatedTokenCount: Int { generatedTokens.value.load(ordering: .relaxed) }
    private let tokenizer: Tokenizer
    private let estimator: DifficultyEstimator
    /// The difficulty scorer: the weights fitted for this generator, or the structural fallback.
    public let scorer: DifficultyScorer
    /// Whether ``scorer``'s weights were fitted for this generator (false: the generator-independent structural
    /// weights score it; callers warn).
    public let difficultyWeightsFitForGenerator: Bool
    private let promptBuilder: PromptBuilder
    private let gate: TrajectoryGate
    private let composer = SampleComposer()
    /// Waits out generator outages for every document in flight.
    private let outageRetry: GeneratorOutageRetry

    /// Whether documents are waiting for the generator to come back from an outage.
    public var isWaitingForGenerator: Bool { outageRetry.isWaiting }

    /// Prepares the method for one generator.
    ///
    /// - Parameters:
    ///   - model: the generator's file name, digest, tokenizer and chat template (Pipeline reads them from its GGUF
    ///     file): its tokenizer makes prompts and samples, and the manifest names it.
    ///   - backend: generates and scores (an engine that has loaded that model, or a remote server whose model
    ///     shares its tokenizer).
    ///   - remote: the remote server, recorded in each shard manifest; nil for the in-process engine.
    ///   - outageRetry: how scoring and generation wait out an unavailable generator (shared by every document).
    public init(
        model: GeneratorModel, configuration: TPTAugmenterConfiguration, backend: any GenerationBackend,
        remote: ShardManifest.Generator.Remote? = nil, outageRetry: GeneratorOutageRetry = GeneratorOutageRetry()
    ) {
        self.outageRetry = outageRetry
        let tokenizer = model.tokenizer
        let chatTemplate = model.chatTemplate
        self.configuration = configuration
        self.backend = backend
        self.tokenizer = tokenizer
        self.estimator = DifficultyEstimator(backend: backend, tokenizer: tokenizer, chatTemplate: chatTemplate)
        let fileName = model.fileName
        let modelSHA256 = model.sha256
        let weights = DifficultyWeights.forGenerator(fileName: fileName, sha256: modelSHA256)
        self.scorer = DifficultyScorer(weights: weights.weights)
        self.difficultyWeightsFitForGenerator = weights.fittedForGenerator
        self.promptBuilder = PromptBuilder(
            tokenizer: tokenizer, chatTemplate: chatTemplate,
            nativeThinkingMode: PromptBuilder.hasNativeThinkingMode(chatTemplateText: model.chatTemplateText))
        self.gate = TrajectoryGate(configuration.gate)
        self.tokenizerName = fileName
        var budgets: [ReasoningLevel: Int] = [:]
        for level in ReasoningLevel.allCases {
            budgets[level] = configuration.upsampling.plan(for: level).maxThinkingTokens
        }
        self.generator = ShardManifest.Generator(
            modelFile: fileName, modelSHA256: modelSHA256, templateID: configuration.template.id,
            templateVersion: configuration.template.version, temperature: Self.decimal(configuration.temperature),
            topP: Self.decimal(configuration.topP), maxThinkingTokensByLevel: budgets,
            upsamplingMode: configuration.upsampling.mode.rawValue, remote: remote,
            repetitionControl: Self.repetitionControl(configuration.repetitionControl),
            difficultyWeights: weights.weights.generator)
    }

    /// The manifest's record of the penalties, nil when none is on.
    private static func repetitionControl(_ p: SamplingParameters) -> ShardManifest.Generator.RepetitionControl? {
        guard p.penalizesRepetition else { return nil }
        return .init(
            repetitionPenalty: decimal(p.repetitionPenalty), presencePenalty: decimal(p.presencePenalty),
            frequencyPenalty: decimal(p.frequencyPenalty), penaltyWindowTokens: p.penaltyWindowTokens,
            noRepeatNGramTokens: p.noRepeatNGramTokens)
    }

    /// One planned trajectory of one document and the state of its attempts.
    private struct Trajectory: Sendable {
        var trajectoryIndex: Int
        var attempt = 0
        var maxThinkingTokens: Int
        var kept: (result: GenerationResult, seed: UInt64, prompt: AugmentationPrompt, capHit: Bool)?
        var rejections: [TrajectoryVerdict.Reason] = []
        var finished = false
    }

    /// Every document runs at once: scoring, then its trajectories, each re-generated on its own as soon as the
    /// gates reject it. The engine batches all of them continuously, so one document's retries or long
    /// trajectory never hold the others' slots idle.
    ///
    /// - Throws: `CancellationError` only: a document's own failure is its `TPTOutcome.failed`, and an
    ///   outage of the generator is waited out.
    public func augment(_ inputs: [TPTDocument]) async throws -> [TPTOutcome] {
        try await withThrowingTaskGroup(of: (Int, TPTOutcome).self) { group in
            for (index, input) in inputs.enumerated() {
                group.addTask { (index, try await self.augment(input)) }
            }
            var outcomes = [TPTOutcome?](repeating: nil, count: inputs.count)
            for try await (index, outcome) in group { outcomes[index] = outcome }
            return outcomes.map { $0! }
        }
    }

    /// Scores one document, plans its trajectories by level and generates them concurrently.
    ///
    /// A generator outage is waited out (``GeneratorOutageRetry``); any other scoring or generation error fails this
    /// document alone, as a dead letter naming the error. Cancellation is rethrown.
    private func augment(_ input: TPTDocument) async throws -> TPTOutcome {
        let score: (score: Double, level: ReasoningLevel)
        do {
            score = try await outageRetry.run("difficulty scoring") { try await self.score(input.text) }
        } catch  where !(error is CancellationError) {
            return .failed(.scoringFailed, message: "difficulty scoring failed: \(error)")
        }
        let plan = configuration.upsampling.plan(for: score.level)
        let trajectories: [Trajectory]
        do {
            trajectories = try await withThrowingTaskGroup(of: Trajectory.self) { group in
                for trajectoryIndex in 0..<plan.trajectories {
                    let start = Trajectory(trajectoryIndex: trajectoryIndex, maxThinkingTokens: plan.maxThinkingTokens)
                    group.addTask { try await self.generate(start, document: input) }
                }
                var finished: [Trajectory] = []
                for try await trajectory in group { finished.append(trajectory) }
                return finished.sorted { $0.trajectoryIndex < $1.trajectoryIndex }
            }
        } catch  where !(error is CancellationError) {
            return .failed(.generationFailed, message: "thinking generation failed: \(error)")
        }
        let kept = trajectories.filter { $0.kept != nil }
        guard !kept.isEmpty else {
            let reasons = trajectories.flatMap(\.rejections).map(\.rawValue)
            return .failed(
                .trajectoryRejected,
                message:
                    "every thinking trajectory failed the quality gates after \(configuration.gate.maxAttempts) attempts (\(reasons.joined(separator: ", ")))"
            )
        }
        return .samples(kept.map { sample(for: $0, input: input, score: score) })
    }

    /// The document's difficulty score and level, exactly as augment plans it (model features measured only when
    /// the weights use them).
    public func score(_ text: String) async throws -> (score: Double, level: ReasoningLevel) {
        scorer.score(
            try await estimator.features(for: text, includeModelFeatures: scorer.weights.needsModelFeatures))
    }

    /// Prompt tokens of the document's generation prompt (the document cut to the prompt's limit, the template and
    /// the chat turn), as each of its trajectories prefills it.
    public func promptTokenCount(for text: String) -> Int {
        let prompt = promptBuilder.build(document: text, template: configuration.template, seed: 0)
        return tokenizer.encode(prompt.text, addSpecial: true, parseSpecial: true).count
    }

    /// The trajectories and thinking budget augment plans for a level.
    public func plan(for level: ReasoningLevel) -> (trajectories: Int, maxThinkingTokens: Int) {
        configuration.upsampling.plan(for: level)
    }

    /// One attempt of one trajectory as augment submits it: the document's prompt under the attempt's seed,
    /// tokenized as the engine tokenizes text (a remote server then reads exactly these tokens), with the method's
    /// sampling, repetition control and stop string. `InferenceMeasurement tpt-baseline` replays these requests on
    /// the bare engine.
    public func attemptRequest(
        documentID: String, text: String, trajectoryIndex: Int, attempt: Int, maxThinkingTokens: Int
    ) -> (request: GenerationRequest, prompt: AugmentationPrompt, seed: UInt64) {
        let seed = configuration.upsampling.seed(
            documentID: documentID, trajectoryIndex: trajectoryIndex, attempt: attempt)
        let prompt = promptBuilder.build(document: text, template: configuration.template, seed: seed)
        let tokens = tokenizer.encode(prompt.text, addSpecial: true, parseSpecial: true)
        var sampling = configuration.repetitionControl
        sampling.temperature = configuration.temperature
        sampling.topP = configuration.topP
        sampling.seed = seed
        let request = GenerationRequest(
            id: "\(documentID)/\(trajectoryIndex)/\(attempt)", prompt: .tokens(tokens),
            maxNewTokens: maxThinkingTokens, sampling: sampling, stopStrings: [configuration.stopString])
        return (request, prompt, seed)
    }

    /// Generates one trajectory, re-generating it with a new seed while the gates reject it, up to the attempt limit.
    private func generate(_ start: Trajectory, document: TPTDocument) async throws -> Trajectory {
        var trajectory = start
        while !trajectory.finished {
            let (request, prompt, seed) = attemptRequest(
                documentID: document.id, text: document.text, trajectoryIndex: trajectory.trajectoryIndex,
                attempt: trajectory.attempt, maxThinkingTokens: trajectory.maxThinkingTokens)
            let results = try await outageRetry.run("thinking generation") { [backend] in
                try await backend.generateAll([request])
            }
            guard let result = results.first else {
                throw AugmentationError(.engineFailure, "the generator returned no result for request \(request.id)")
            }
            generatedTokens.value.add(result.tokens.count, ordering: .relaxed)
            let verdict = gate.evaluate(
                thinking: SampleComposer.cleanedThinking(result.text), document: document.text,
                finishReason: result.finishReason, generatedTokens: result.tokens.count)
            let lastAttempt = trajectory.attempt + 1 >= configuration.gate.maxAttempts
            if verdict == .accepted || (lastAttempt && gate.keepsAfterLastAttempt(verdict)) {
                trajectory.kept = (result, seed, prompt, verdict != .accepted)
                trajectory.finished = true
            } else {
                if case .rejected(let reason) = verdict { trajectory.rejections.append(reason) }
                trajectory.attempt += 1
                trajectory.finished = lastAttempt
            }
        }
        return trajectory
    }

    private func sample(for trajectory: Trajectory, input: TPTDocument, score: (score: Double, level: ReasoningLevel))
        -> ShardSample
    {
        let (result, seed, prompt, capHit) = trajectory.kept!
        let composed = composer.compose(document: input.text, thinking: result.text, tokenizer: tokenizer)
        let identity =
            "\(input.id)\n\(configuration.template.id)/\(configuration.template.version)\n\(trajectory.trajectoryIndex)\n\(SampleComposer.formatVersion)"
        return ShardSample(
            sampleID: SHA256.hash(data: Array(identity.utf8)).map { String(format: "%02x", $0) }.joined(),
            documentID: input.id, source: input.source, text: composed.text, tokenIDs: composed.tokens,
            documentSpan: .init(
                byteStart: composed.documentSpan.lowerBound, byteEnd: composed.documentSpan.upperBound,
                tokenStart: composed.documentTokenRange.lowerBound, tokenEnd: composed.documentTokenRange.upperBound),
            thinkingSpan: .init(
                byteStart: composed.thinkingSpan.lowerBound, byteEnd: composed.thinkingSpan.upperBound,
                tokenStart: composed.thinkingTokenRange.lowerBound, tokenEnd: composed.thinkingTokenRange.upperBound),
            difficultyScore: min(1, max(0, score.score)), level: score.level,
            trajectoryIndex: trajectory.trajectoryIndex,
            seed: seed, templateID: prompt.templateID, templateVersion: prompt.templateVersion,
            thinkingTokenCount: result.tokens.count, finishReason: result.finishReason, capHit: capHit,
            attempts: trajectory.attempt + 1, focusCharacterOffset: prompt.focusCharacterOffset)
    }

    /// A Float setting as the decimal the user wrote (0.6, not 0.6000000238418579).
    private static func decimal(_ value: Float) -> Double { Double(String(value)) ?? Double(value) }
}

/// A shared token count (an Atomic cannot be a stored property of a Sendable class's captured state directly).
private final class GeneratedTokenCounter: Sendable {
    let value = Atomic<Int>(0)
}
