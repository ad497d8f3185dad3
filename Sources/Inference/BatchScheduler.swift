import Generation
import Tokenization

/// Continuous batching: every ``step()`` runs one forward pass holding one token of every decoding sequence plus
/// prompt chunks of sequences still prefilling, up to `maxBatchTokens`; waiting requests take the slots of
/// finished ones. Synchronous and single-threaded: the engine's thread drives it.
public final class BatchScheduler {
    /// The model it runs.
    public let model: TransformerModel
    /// The tokenizer for text prompts and streamed text.
    public let tokenizer: Tokenizer
    /// Limits on context, sequences and batch size.
    public let configuration: InferenceConfiguration
    private var waiting: [SequenceState] = []
    private var active: [SequenceState] = []
    private var waitingHead = 0
    /// Prompt tokens run through the model, and prompt tokens copied from another sequence's cache instead.
    public private(set) var promptTokenUsage = PromptTokenUsage()
    /// Caches of finished requests, oldest first, kept as prompt-prefix donors while their slots are free: a
    /// trajectory re-generated after its first attempt finished, or a request that starts the way a finished one
    /// did, copies instead of prefilling. They count against `maxSequences`: whatever a step's running sequences
    /// leave free (so memory stays within the bound running sequences have), evicted oldest first.
    private var retained: [(promptTokens: [Int], cache: KVCache)] = []

    /// Finished requests' caches kept as prompt-prefix donors, and the bytes of the positions they hold.
    public var retainedCaches: (count: Int, bytes: Int) {
        (retained.count, retained.reduce(0) { $0 + $1.cache.reservedBytes / $1.cache.capacity * $1.cache.count })
    }

    private enum Output {
        case promptScore(SequenceState, target: Int)
        case sample(SequenceState)
    }

    /// Creates a scheduler.
    public init(model: TransformerModel, tokenizer: Tokenizer, configuration: InferenceConfiguration) {
        self.model = model
        self.tokenizer = tokenizer
        self.configuration = configuration
    }

    /// Context positions per sequence: the configured value capped by the model's trained context.
    public var contextTokens: Int { min(configuration.contextTokens, model.hyperparameters.trainedContextLength) }

    /// Whether any request is waiting or running.
    public var hasWork: Bool { !active.isEmpty || waitingHead < waiting.count }

    /// Sequences decoding or prefilling now.
    public var activeCount: Int { active.count }

    /// Tokenizes and checks `request`, then queues it; `onEvent` receives its tokens and its result.
    ///
    /// - Throws: `InferenceError` `.invalidRequest` (empty prompt, bad token id, bad sampling or limits) or
    ///   `.promptTooLong` (the prompt plus one token does not fit `contextTokens`).
    /// - Returns: the submission's identity, for ``cancel(_:)``.
    @discardableResult
    public func submit(_ request: GenerationRequest, onEvent: @escaping (GenerationEvent) -> Void) throws
        -> ObjectIdentifier
    {
        let tokens = try promptTokens(for: request)
        let sequence = SequenceState(request: request, promptTokens: tokens, tokenizer: tokenizer, onEvent: onEvent)
        waiting.append(sequence)
        return ObjectIdentifier(sequence)
    }

    /// Stops the given submissions, waiting or running: each reports a `.cancelled` result at once and its slot and
    /// cache are freed. Unknown or finished ones are ignored.
    public func cancel(_ submissions: Set<ObjectIdentifier>) {
        for sequence in waiting[waitingHead...] + active where submissions.contains(ObjectIdentifier(sequence)) {
            sequence.cancel()
        }
        removeFinished()
    }

    /// The prompt's token ids after validating the request.
    ///
    /// - Throws: as ``submit(_:onEvent:)``.
    public func promptTokens(for request: GenerationRequest) throws -> [Int] {
        do {
            try request.sampling.validate()
        } catch let error as GenerationError {
            throw InferenceError(.invalidRequest, "request '\(request.id)': \(error.message)", cause: error)
        }
        guard request.maxNewTokens >= 1 else {
            throw InferenceError(
                .invalidRequest, "request '\(request.id)': maxNewTokens \(request.maxNewTokens) must be >= 1")
        }
        let tokens: [Int]
        switch request.prompt {
        case .text(let text): tokens = tokenizer.encode(text, addSpecial: true, parseSpecial: true)
        case .tokens(let ids): tokens = ids
        }
        guard !tokens.isEmpty else {
            throw InferenceError(.invalidRequest, "request '\(request.id)': the prompt is empty")
        }
        try model.validate(tokens)
        guard tokens.count < contextTokens else {
            throw InferenceError(
                .promptTooLong,
                "request '\(request.id)': the prompt has \(tokens.count) tokens; the context holds \(contextTokens) "
                    + "(inference.contextTokens, model maximum \(model.hyperparameters.trainedContextLength)); shorten the prompt"
            )
        }
        return tokens
    }

    /// Runs steps until every queued request has finished.
    public func runToCompletion() {
        while hasWork { step() }
    }

    /// Admits waiting requests into free slots, then runs one forward pass and samples.
    public func step() {
        admit()
        var batch = ForwardBatch()
        var outputs: [Output] = []
        var budget = configuration.maxBatchTokens
        for sequence in active where !sequence.isPrefilling {
            guard let token = sequence.pendingToken, budget > 0 else { continue }
            batch.append([token], cache: sequence.cache!, outputs: [0], promptLength: nil)
            outputs.append(.sample(sequence))
            budget -= 1
        }
        for (index, sequence) in active.enumerated() where sequence.isPrefilling && budget > 0 {
            if sequence.promptProcessed == 0, case .waitForDonor = reuseSharedPrefix(sequence, position: index) {
                continue
            }
            let start = sequence.promptProcessed
            let count = min(sequence.promptTokens.count - start, budget)
            let completes = start + count == sequence.promptTokens.count
            var offsets: [Int] = []
            if sequence.request.includePromptLogProbabilities {
                for offset in 0..<count where start + offset + 1 < sequence.promptTokens.count {
                    offsets.append(offset)
                    outputs.append(.promptScore(sequence, target: sequence.promptTokens[start + offset + 1]))
                }
            }
            if completes {
                offsets.append(count - 1)
                outputs.append(.sample(sequence))
            }
            batch.append(
                sequence.promptTokens[start..<(start + count)], cache: sequence.cache!, outputs: offsets,
                promptLength: sequence.promptTokens.count)
            sequence.promptProcessed += count
            promptTokenUsage.prefilled += count
            budget -= count
        }
        // Admitted sequences have copied what they share; the free slots bound what stays retained.
        trimRetained()
        guard !batch.isEmpty else { return }
        model.forward(batch) { index, logits in
            switch outputs[index] {
            case .promptScore(let sequence, let target):
                sequence.promptLogProbabilities.append(Sampler.logProbability(of: target, in: logits))
            case .sample(let sequence):
                let token = sequence.sampler.sample(logits, history: sequence.generated)
                let logProbability =
                    sequence.request.includeLogProbabilities ? Sampler.logProbability(of: token, in: logits) : nil
                sequence.accept(token, logProbability: logProbability)
            }
        }
        removeFinished()
    }

    /// Drops finished sequences from the running set, keeping the caches that hold a whole shareable prompt.
    private func removeFinished() {
        for sequence in active where sequence.finishReason != nil {
            if configuration.sharesPromptPrefixes, let cache = sequence.finishedCache,
                sequence.promptTokens.count > configuration.minimumSharedPrefixTokens
            {
                retained.append((sequence.promptTokens, cache))
            }
            sequence.finishedCache = nil
        }
        active.removeAll { $0.finishReason != nil }
        trimRetained()
    }

    /// Evicts the oldest retained caches until running and retained sequences fit `maxSequences`.
    private func trimRetained() {
        let excess = active.count + retained.count - configuration.maxSequences
        if excess > 0 { retained.removeFirst(min(excess, retained.count)) }
    }

    private enum PrefixReuse { case none, copied, waitForDonor }

    /// Before `sequence` (at `position` in `active`) prefills anything: when a sequence admitted before it, or a
    /// retained finished one, has a prompt starting with the same tokens, copies those positions of its cache, or
    /// waits for a running one to compute them.
    /// The last prompt token is always run (its logits give the first sampled token), and a request that wants
    /// prompt log-probabilities computes its whole prompt.
    private func reuseSharedPrefix(_ sequence: SequenceState, position: Int) -> PrefixReuse {
        guard configuration.sharesPromptPrefixes, !sequence.request.includePromptLogProbabilities,
            let cache = sequence.cache
        else { return .none }
        var best: (cache: KVCache, shared: Int)?
        func consider(_ promptTokens: [Int], _ donorCache: KVCache) {
            var shared = 0
            let limit = min(promptTokens.count, sequence.promptTokens.count - 1)
            while shared < limit, promptTokens[shared] == sequence.promptTokens[shared] { shared += 1 }
            if shared >= configuration.minimumSharedPrefixTokens, shared > (best?.shared ?? 0) {
                best = (donorCache, shared)
            }
        }
        // Retained caches first: on a tie they are ready now, where a running donor may still be prefilling.
        for entry in retained { consider(entry.promptTokens, entry.cache) }
        for donor in active[..<position] {
            if let donorCache = donor.cache { consider(donor.promptTokens, donorCache) }
        }
        guard let (donorCache, shared) = best else { return .none }
        // A donor still alive computes its whole prompt; until its cache holds the prefix (it may be in this very
        // step's batch), wait. The first sequence never waits, so neither does the chain.
        guard donorCache.count >= shared else { return .waitForDonor }
        cache.copyPrefix(of: donorCache, positions: shared)
        sequence.promptProcessed = shared
        promptTokenUsage.shared += shared
        return .copied
    }

    private func admit() {
        while active.count < configuration.maxSequences, waitingHead < waiting.count {
            let sequence = waiting[waitingHead]
            waitingHead += 1
            guard sequence.finishReason == nil else { continue }
            let capacity = min(contextTokens, sequence.promptTokens.count + sequence.request.maxNewTokens)
            sequence.cache = model.makeCache(capacity: capacity)
            active.append(sequence)
        }
        if waitingHead == waiting.count {
            waiting.removeAll()
            waitingHead = 0
        }
    }
}
