// `thinkstream eval`: the held-out loss `train --eval-file` reports, for a llama GGUF or a train checkpoint, outside
// a training run. The rows, the masking and the arithmetic are `TrainEvaluationSet`'s, so the numbers for a
// checkpoint of step N are the ones train printed as `eval step N` when T, B and the document limits match.
// Legend: B = micro-batch rows, T = positions per row.
import Foundation
import ModelConversion
import Training

/// Scores a JSONL file of documents with one model, split into maths and general text.
public struct ModelEvaluation: Sendable {
    /// Where the weights come from.
    public enum Source: Sendable, Equatable {
        /// A llama-architecture GGUF, dequantized to fp32 as `train --model` loads it; its own tokenizer.
        case gguf(path: String)
        /// A `train` checkpoint directory (its newest valid file) or one `.tsck` file; the tokenizer its run used.
        case checkpoint(path: String)
    }

    /// Progress of the forward passes, reported after each micro-batch.
    public struct Progress: Sendable {
        public var rowsDone: Int
        public var totalRows: Int
        /// Scored (document) tokens so far.
        public var tokensDone: Int
        /// Seconds since the first forward pass.
        public var seconds: Double

        public var tokensPerSecond: Double { seconds > 0 ? Double(tokensDone) / seconds : 0 }
        /// Seconds left at the rate so far (infinite before the first row).
        public var remainingSeconds: Double {
            rowsDone > 0 ? seconds * Double(totalRows - rowsDone) / Double(rowsDone) : .infinity
        }
    }

    /// The outcome of ``run(onProgress:)``.
    public struct Summary: Sendable {
        /// The file the weights came from: the GGUF, or the checkpoint file chosen.
        public var sourcePath: String
        /// The checkpoint's step (train's `eval step N`), `nil` for a GGUF.
        public var step: Int?
        public var result: TrainEvaluationResult
        /// One message per newer checkpoint file that was skipped as invalid.
        public var rejectedCheckpoints: [String]
        /// Wall time of the whole run, loading included.
        public var seconds: Double
    }

    /// `train`'s settings at its defaults. The initializer's T, B and document limit come from here, so an
    /// evaluation at its defaults matches the one train runs at its defaults.
    public static let trainDefaults = TrainConfiguration(start: .fresh(.tiny, seed: 0), checkpointDirectory: "-")

    public var source: Source
    /// The JSONL file: `text`, and `domain`/`kind`/`source`/`id` for the maths-or-general split.
    public var file: String
    /// A GGUF whose tokenizer replaces the one the source implies (for a checkpoint whose start model is not here).
    public var tokenizerModelPath: String?
    /// Positions per row T.
    public var contextTokens: Int
    /// Rows per forward pass B.
    public var microBatchSize: Int
    /// At most this many documents per domain.
    public var maxDocuments: Int
    /// Tokens kept per document; `nil` keeps what train keeps
    /// (``TrainEvaluationSet/defaultMaxTokens(contextTokens:)``).
    public var maxDocumentTokens: Int?

    public init(
        source: Source, file: String, tokenizerModelPath: String? = nil,
        contextTokens: Int = ModelEvaluation.trainDefaults.contextTokens,
        microBatchSize: Int = ModelEvaluation.trainDefaults.microBatchSize,
        maxDocuments: Int = ModelEvaluation.trainDefaults.evaluationMaxDocuments, maxDocumentTokens: Int? = nil
    ) {
        self.source = source
        self.file = file
        self.tokenizerModelPath = tokenizerModelPath
        self.contextTokens = contextTokens
        self.microBatchSize = microBatchSize
        self.maxDocuments = maxDocuments
        self.maxDocumentTokens = maxDocumentTokens
    }

    /// - Throws: `PipelineError` `.invalidConfiguration` naming the setting and its value.
    public func validate() throws {
        func invalid(_ key: String, _ value: Int) -> PipelineError {
            PipelineError(.invalidConfiguration, "eval.\(key) = \(value): must be at least 1")
        }
        guard contextTokens >= 1 else { throw invalid("contextTokens", contextTokens) }
        guard microBatchSize >= 1 else { throw invalid("microBatchSize", microBatchSize) }
        guard maxDocuments >= 1 else { throw invalid("maxDocuments", maxDocuments) }
        if let maxDocumentTokens, maxDocumentTokens < 1 { throw invalid("maxDocumentTokens", maxDocumentTokens) }
    }

    /// Runs ``run(onProgress:)`` on a new thread named `thinkstream-eval`, off the cooperative pool.
    public func runOnDedicatedThread(
        onProgress: @escaping @Sendable (Progress) -> Void = { _ in }
    ) async throws -> Summary {
        let evaluation = self
        return try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try evaluation.run(onProgress: onProgress) })
            }
            thread.name = "thinkstream-eval"
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    /// Loads the model and tokenizer, reads the file and evaluates; blocks (call it from a dedicated thread).
    ///
    /// - Parameter onProgress: called once before the first forward pass and after each micro-batch.
    /// - Throws: `PipelineError` `.unreadableInput` naming the model, checkpoint or file (and line) that cannot be
    ///   used, `.invalidConfiguration` for invalid settings or a tokenizer that does not fit the model.
    public func run(onProgress: (Progress) -> Void = { _ in }) throws -> Summary {
        try validate()
        let started = ContinuousClock.now
        let loaded = try load()
        let T = contextTokens
        let set = try TrainEvaluationSet(
            path: file, tokenizer: loaded.tokenizer, maxDocuments: maxDocuments,
            maxTokens: maxDocumentTokens ?? TrainEvaluationSet.defaultMaxTokens(contextTokens: T))
        try Self.check(set, tokenizer: loaded.tokenizer, fits: loaded.model.config.vocab, file: file)
        let totalRows = set.rowCount(T: T)
        let forwardStarted = ContinuousClock.now
        onProgress(Progress(rowsDone: 0, totalRows: totalRows, tokensDone: 0, seconds: 0))
        let (B, eos, step) = (microBatchSize, loaded.tokenizer.eosTokenID, loaded.step ?? 0)
        let result = set.evaluate(model: loaded.model, step: step, B: B, T: T, eosTokenID: eos) { rows, tokens in
            let seconds = Self.seconds(since: forwardStarted)
            onProgress(Progress(rowsDone: rows, totalRows: totalRows, tokensDone: tokens, seconds: seconds))
        }
        return Summary(
            sourcePath: loaded.path, step: loaded.step, result: result, rejectedCheckpoints: loaded.rejected,
            seconds: Self.seconds(since: started))
    }

    /// Refuses a tokenizer whose EOS or document ids fall outside the model's vocabulary (the forward pass traps).
    static func check(_ set: TrainEvaluationSet, tokenizer: TrainTokenizer, fits vocab: Int, file: String) throws {
        let fix =
            "the tokenizer (\(tokenizer.names.joined(separator: ", "))) does not match the model; "
            + "give --tokenizer-model <gguf> with the model's tokenizer"
        let eos = tokenizer.eosTokenID
        let outside = "outside the model's vocabulary 0..<\(vocab); \(fix)"
        guard eos >= 0, eos < vocab else {
            throw PipelineError(.invalidConfiguration, "EOS id \(eos) is \(outside)")
        }
        if let bad = (set.maths + set.general).lazy.compactMap({ document in document.first { $0 >= vocab } }).first {
            throw PipelineError(.invalidConfiguration, "\(file): token id \(bad) is \(outside)")
        }
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        (ContinuousClock.now - start) / .seconds(1)
    }
}
