import Generation
import Tokenization

/// One request inside the scheduler: its prompt progress, cache, sampler, output so far and stop logic.
final class SequenceState {
    let request: GenerationRequest
    let promptTokens: [Int]
    let onEvent: (GenerationEvent) -> Void
    var cache: KVCache?
    /// The cache of a sequence that finished (not cancelled) holding its whole prompt, until the scheduler keeps it
    /// as a prefix donor or drops it.
    var finishedCache: KVCache?
    var promptProcessed = 0
    /// The last sampled token, to feed in the next step.
    var pendingToken: Int?
    var sampler: Sampler
    var generated: [Int] = []
    var tokenLogProbabilities: [Float] = []
    var promptLogProbabilities: [Float] = []
    var text = ""
    var finishReason: FinishReason?
    private var detokenizer: StreamingDetokenizer
    private var stopMatcher: StopStringMatcher
    private let tokenizer: Tokenizer

    init(
        request: GenerationRequest, promptTokens: [Int], tokenizer: Tokenizer,
        onEvent: @escaping (GenerationEvent) -> Void
    ) {
        self.request = request
        self.promptTokens = promptTokens
        self.onEvent = onEvent
        self.tokenizer = tokenizer
        sampler = Sampler(parameters: request.sampling)
        detokenizer = StreamingDetokenizer(tokenizer: tokenizer, special: true)
        stopMatcher = StopStringMatcher(stopStrings: request.stopStrings)
    }

    var isPrefilling: Bool { promptProcessed < promptTokens.count }

    /// Takes a sampled token: records it, streams its text, and finishes on an end-of-generation token, a stop
    /// string, `maxNewTokens` or a full cache.
    func accept(_ token: Int, logProbability: Float?) {
        generated.append(token)
        if let logProbability { tokenLogProbabilities.append(logProbability) }
        if request.stopAtEndOfGeneration && tokenizer.isEndOfGeneration(token) {
            onEvent(.token(requestID: request.id, token: token, text: "", logProbability: logProbability))
            finish(.eog)
            return
        }
        let (emit, stopped) = stopMatcher.feed(detokenizer.append(token))
        text += emit
        onEvent(.token(requestID: request.id, token: token, text: emit, logProbability: logProbability))
        if stopped {
            finish(.stop)
        } else if generated.count >= request.maxNewTokens || cache!.count >= cache!.capacity {
            finish(.length)
        } else {
            pendingToken = token
        }
    }

    /// Stops the sequence where it is: it reports a `.cancelled` result and frees its cache.
    func cancel() {
        guard finishReason == nil else { return }
        finish(.cancelled)
    }

    private func finish(_ reason: FinishReason) {
        if reason != .stop {
            let (emit, stopped) = stopMatcher.feed(detokenizer.finish())
            text += emit
            if !stopped { text += stopMatcher.flush() }
        }
        finishReason = reason
        pendingToken = nil
        if reason != .cancelled, let cache, cache.count >= promptTokens.count { finishedCache = cache }
        cache = nil
        onEvent(.finished(result))
    }

    var result: GenerationResult {
        GenerationResult(
            id: request.id, text: text, tokens: generated, finishReason: finishReason ?? .length,
            promptTokenCount: promptTokens.count,
            tokenLogProbabilities: request.includeLogProbabilities ? tokenLogProbabilities : nil,
            promptLogProbabilities: request.includePromptLogProbabilities ? promptLogProbabilities : nil)
    }
}
