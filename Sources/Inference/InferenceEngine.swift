import Executors
import GGUF
import Generation
import Tokenization

/// The inference engine: loads a GGUF model and serves generation, prompt scoring and perplexity.
///
/// An actor whose executor is its own thread (``DedicatedThreadExecutor``), so its compute never runs on the
/// cooperative pool; a second, persistent worker thread splits matrix rows. Requests from several callers join
/// one continuously batched loop (``BatchScheduler``), which yields between forward passes so new requests can
/// join.
///
/// ```swift
/// let engine = InferenceEngine()
/// try await engine.load(path: "SmolLM2-135M-Instruct.Q4_1.gguf")
/// let results = try await engine.generateAll([GenerationRequest(id: "a", prompt: .text("Hello"))])
/// ```
public actor InferenceEngine {
    private let executor: DedicatedThreadExecutor
    /// The engine's settings.
    public let configuration: InferenceConfiguration
    private var model: TransformerModel?
    private var scheduler: BatchScheduler?
    private var pool: WorkerPool?
    private var driving = false

    /// The loaded model's tokenizer, nil before ``load(path:)``.
    public private(set) var tokenizer: Tokenizer?

    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    /// Creates an engine with its thread; no model is loaded yet.
    ///
    /// - Parameters:
    ///   - configuration: context, batching and thread settings.
    ///   - name: the engine thread's name.
    public init(configuration: InferenceConfiguration = InferenceConfiguration(), name: String = "thinkstream.engine") {
        self.configuration = configuration
        executor = DedicatedThreadExecutor(name: name)
    }

    /// Maps a GGUF model and builds its tokenizer, replacing any model loaded before.
    ///
    /// - Parameters:
    ///   - path: the .gguf file.
    /// - Throws: `InferenceError` `.unreadableModel` (missing, corrupt or truncated file; the cause is the
    ///   `GGUFError`), `.unsupportedArchitecture`, `.missingMetadata`, `.missingTensor`, `.unsupportedTensorType`,
    ///   `.invalidTensorShape`, `.invalidVocabulary`, or `.invalidRequest` for a bad configuration.
    public func load(path: String) throws {
        try configuration.validate()
        let file: GGUFFile
        do {
            file = try GGUFFile(path: path)
        } catch {
            throw InferenceError(.unreadableModel, "\(path): cannot read the model: \(error)", cause: error)
        }
        if pool == nil || pool?.threadCount != configuration.threadCount {
            pool = WorkerPool(threadCount: configuration.threadCount, name: "thinkstream.matmul")
        }
        let model = try TransformerModel(file: file, pool: pool!, repacksWeights: configuration.repacksWeights)
        let tokenizer: Tokenizer
        do {
            tokenizer = try Tokenizer(vocabulary: Vocabulary(metadata: file.metadata))
        } catch {
            throw InferenceError(.invalidVocabulary, "\(path): cannot build the tokenizer: \(error)", cause: error)
        }
        self.model = model
        self.tokenizer = tokenizer
        scheduler = BatchScheduler(model: model, tokenizer: tokenizer, configuration: configuration)
    }

    /// The loaded model's hyperparameters.
    public var hyperparameters: ModelHyperparameters? { model?.hyperparameters }

    /// Bytes of the loaded model file.
    public var modelFileSizeBytes: Int? { model?.fileSizeBytes }

    /// Bytes of the loaded model's weights repacked at load (``InferenceConfiguration/repacksWeights``).
    public var repackedWeightBytes: Int? { model?.repackedWeightBytes }

    /// Starts generating for `requests`, batched with any others in flight, and streams their tokens and results.
    /// The stream ends after the last request's `.finished` event.
    ///
    /// - Throws: `InferenceError` `.modelNotLoaded`, `.invalidRequest` or `.promptTooLong` for the first bad
    ///   request; then none of them is started.
    public func generate(_ requests: [GenerationRequest]) throws -> AsyncStream<GenerationEvent> {
        let scheduler = try loadedScheduler()
        for request in requests { _ = try scheduler.promptTokens(for: request) }
        let (stream, continuation) = AsyncStream<GenerationEvent>.makeStream(bufferingPolicy: .unbounded)
        guard !requests.isEmpty else {
            continuation.finish()
            return stream
        }
        var remaining = requests.count
        var submissions: Set<ObjectIdentifier> = []
        for request in requests {
            submissions.insert(
                try scheduler.submit(request) { event in
                    continuation.yield(event)
                    if case .finished = event {
                        remaining -= 1
                        if remaining == 0 { continuation.finish() }
                    }
                })
        }
        // A consumer that stops listening (its task cancelled, the stream dropped) frees the engine at once.
        let cancelled = submissions
        continuation.onTermination = { termination in
            guard case .cancelled = termination else { return }
            Task { await self.cancel(cancelled) }
        }
        startDriving()
        return stream
    }

    /// Requests decoding or prefilling now (0 before loading).
    public var runningRequestCount: Int { scheduler?.activeCount ?? 0 }

    /// Prompt tokens prefilled and prompt tokens shared from another request's cache, since loading.
    public var promptTokenUsage: PromptTokenUsage { scheduler?.promptTokenUsage ?? PromptTokenUsage() }

    /// Finished requests' caches kept as prompt-prefix donors (within `maxSequences`), and the bytes they hold.
    public var retainedPromptCaches: (count: Int, bytes: Int) { scheduler?.retainedCaches ?? (0, 0) }

    /// Stops submissions whose consumer went away.
    private func cancel(_ submissions: Set<ObjectIdentifier>) {
        scheduler?.cancel(submissions)
    }

    /// Generates for `requests` and returns their results in request order.
    ///
    /// - Throws: as ``generate(_:)``; `CancellationError` when the calling task is cancelled (generation stops).
    public func generateAll(_ requests: [GenerationRequest]) async throws -> [GenerationResult] {
        var results: [String: GenerationResult] = [:]
        for await event in try generate(requests) {
            if case .finished(let result) = event { results[result.id] = result }
        }
        try Task.checkCancellation()
        return requests.compactMap { results[$0.id] }
    }

    /// log p(token_i | tokens before i) for every prompt token after the first.
    ///
    /// - Parameters:
    ///   - text: the prompt, tokenized with special tokens added and parsed.
    /// - Throws: `.modelNotLoaded`, `.promptTooLong` when the prompt exceeds `contextTokens`.
    public func promptLogProbabilities(_ text: String) throws -> [Float] {
        let scheduler = try loadedScheduler()
        let tokens = scheduler.tokenizer.encode(text, addSpecial: true, parseSpecial: true)
        return try promptLogProbabilities(tokens: tokens)
    }

    /// log p(token_i | tokens before i) for i = 1 ..< tokens.count.
    ///
    /// - Throws: `.modelNotLoaded`, `.invalidRequest` for a bad id, `.promptTooLong` beyond `contextTokens`.
    public func promptLogProbabilities(tokens: [Int]) throws -> [Float] {
        let scheduler = try loadedScheduler()
        guard tokens.count <= scheduler.contextTokens else {
            throw InferenceError(
                .promptTooLong, "the prompt has \(tokens.count) tokens; the context holds \(scheduler.contextTokens)")
        }
        return try scheduler.model.promptLogProbabilities(tokens, chunkTokens: configuration.maxBatchTokens)
    }

    /// The logits after the last of `tokens` (one pass, fresh cache).
    ///
    /// - Throws: `.modelNotLoaded`, `.invalidRequest`, `.promptTooLong`.
    public func lastLogits(tokens: [Int]) throws -> [Float] {
        let scheduler = try loadedScheduler()
        guard !tokens.isEmpty, tokens.count <= scheduler.contextTokens else {
            throw InferenceError(
                .promptTooLong,
                "\(tokens.count) tokens: need 1 ... \(scheduler.contextTokens) (inference.contextTokens)")
        }
        var result: [Float] = []
        try scheduler.model.evaluate(
            tokens, cache: scheduler.model.makeCache(capacity: tokens.count), outputs: [tokens.count - 1]
        ) {
            _, logits in result = Array(logits)
        }
        return result
    }

    /// Perplexity of `tokens` in chunks of `context` (llama-perplexity's method; BOS first in each chunk when the
    /// model adds BOS).
    ///
    /// - Throws: `.modelNotLoaded`, `.invalidRequest` when fewer than `context` tokens are given.
    public func perplexity(tokens: [Int], context: Int, maxChunks: Int? = nil) throws -> PerplexityResult {
        let scheduler = try loadedScheduler()
        let vocabulary = scheduler.tokenizer.vocabulary
        return try scheduler.model.perplexity(
            tokens: tokens, context: context, bos: vocabulary.addBOS ? vocabulary.bosID : nil, maxChunks: maxChunks)
    }

    /// The scheduler of the loaded model; internal so the engine's extensions in other files can score with it.
    func loadedScheduler() throws -> BatchScheduler {
        guard let scheduler else {
            throw InferenceError(.modelNotLoaded, "no model is loaded; call InferenceEngine.load(path:) first")
        }
        return scheduler
    }

    private func startDriving() {
        guard !driving else { return }
        driving = true
        Task { await self.drive() }
    }

    /// Steps the scheduler until no work is left, yielding between steps so new requests can join.
    private func drive() async {
        while let scheduler, scheduler.hasWork {
            scheduler.step()
            await Task.yield()
        }
        driving = false
    }
}

extension InferenceEngine {
    /// Bytes a KV cache of `positions` positions reserves for the loaded model (0 before loading).
    public func kvCacheBytes(positions: Int) -> Int {
        guard let h = hyperparameters else { return 0 }
        return 2 * h.layerCount * h.keyValueDimension * positions * MemoryLayout<UInt16>.size
    }
}
