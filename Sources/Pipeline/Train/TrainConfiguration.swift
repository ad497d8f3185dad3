import Training

/// Settings of `thinkstream train`: where shards come from, the model to start from, the packing and optimizer
/// settings, checkpoints and evaluation. Defaults follow the paper's mid-training setup where it has one (all
/// tokens trained with weight 1, no document-boundary masking).
public struct TrainConfiguration: Sendable {
    /// Where the weights of a run without a checkpoint come from.
    public enum Start: Sendable, Equatable {
        /// A llama-architecture GGUF, dequantized to fp32 (mid-training, as in the paper); its `tokenizer.ggml.*`
        /// metadata defines the tokenizer and EOS id.
        case gguf(path: String)
        /// Seeded random weights of the given shape. Samples' token ids are then read as ids of the tokenizer in
        /// ``TrainConfiguration/tokenizerNames`` (default `bytes`: UTF-8 bytes, EOS = 0).
        case fresh(LlamaConfig, seed: UInt64)
    }

    public var topics: TopicNames
    /// Consumer group whose committed offsets trail the newest durable checkpoint.
    public var groupID: String
    public var start: Start
    /// `manifest.tokenizer` values accepted as the model's tokenizer; `nil` derives them: for a GGUF its
    /// `general.basename`, `general.name`, file name and file stem; for a fresh model `["bytes"]`. A shard with
    /// another tokenizer, or a token id outside the vocabulary, is dead-lettered as `unknown_tokenizer`.
    public var tokenizerNames: [String]?
    /// Recompute every sample's token ids and token spans from its `text` and byte spans with the model's tokenizer
    /// (``SampleRetokenizer``), so shards of any `manifest.tokenizer` are accepted and ``tokenizerNames`` is not
    /// checked. Samples whose byte spans are out of order or split a character dead-letter their shard as
    /// `corrupt_shard`. Only which shards are accepted depends on it (the packer's carry-over is always in the
    /// model's tokenizer), so it is not stored in checkpoints and may differ between restarts.
    public var retokenize: Bool
    /// Train each sample as its document span only: the thinking, its separators and any template text are dropped
    /// (token ids = the `documentSpan` tokens, after re-tokenizing when ``retokenize`` is set), and samples are
    /// deduplicated by `documentID` instead of `sampleID`, so a document with several trajectories is trained once per
    /// epoch. The vanilla arm of an A/B trains the raw documents the TPT arms saw. Stored in checkpoints; a resume
    /// with another value is refused.
    public var documentOnly: Bool
    /// Passes over the shards topic: when every partition has reached its end and passes remain, the run re-reads
    /// all partitions from the beginning with a fresh set of seen ids (deduplication is per epoch), so each sample is
    /// trained once per epoch. The packer's carry-over flows on across the boundary. Meant for a finished (replayed)
    /// topic; the epoch is stored in checkpoints, and a resume continues that epoch at its offsets. ``stopWhenIdle``
    /// applies in the last pass only. 1 reads the topic once (the default: a live stream).
    public var epochs: Int
    /// Samples held in a shuffle buffer between the shard reader and the packer (``SampleShuffleBuffer``), so
    /// samples that arrive side by side — a document's trajectories, which augment writes next to each other — are
    /// trained about this many samples apart; 0 packs samples in stream order. The buffer is saved in checkpoints (a
    /// resume trains the same order) and emptied when a run stops on idle; on a live stream samples wait in it until
    /// newer ones push them out.
    public var shuffleBufferSamples: Int
    /// Seed of the shuffle buffer's order.
    public var shuffleSeed: UInt64
    /// Distinct sample ids the duplicate filter remembers (``RecentSampleFilter``: bounded memory and checkpoint
    /// space, 16 bytes per id); a duplicate further apart than this is trained again.
    public var duplicateWindowSamples: Int
    /// End-of-sequence id put between packed documents; `nil` takes the GGUF's `tokenizer.ggml.eos_token_id`, or 0
    /// for a fresh model (the NUL byte, never in text).
    public var eosTokenID: Int?
    /// Positions per row T (rows hold T + 1 tokens).
    public var contextTokens: Int
    /// Rows per micro-batch B.
    public var microBatchSize: Int
    /// Micro-batches per optimizer step K.
    public var gradientAccumulation: Int
    public var schedule: LearningRateSchedule
    public var optimizer: AdamWConfiguration
    /// Global gradient-norm clip, or `nil` for none.
    public var maxGradientNorm: Float?
    /// Optimizer steps after which the run stops (counted from step 0, across restarts).
    public var maxSteps: Int
    public var checkpointDirectory: String
    /// A checkpoint is written after every this many steps...
    public var checkpointEverySteps: Int
    /// ...or when this much time has passed since the last one, whichever comes first.
    public var checkpointInterval: Duration
    public var keepLastCheckpoints: Int
    /// A JSONL file of held-out documents (`text`, and `domain`/`kind`/`source` for the maths-or-general split).
    public var evaluationFile: String?
    public var evaluationEverySteps: Int
    /// At most this many documents of the evaluation file are used.
    public var evaluationMaxDocuments: Int
    /// Mask attention across packed documents (a query attends only to its own document, from the EOS before it).
    public var documentBoundaryMasking: Bool
    /// Loss weight of tokens inside `documentSpan` (1 = paper).
    public var documentLossWeight: Float
    /// Loss weight of tokens inside `thinkingSpan` (1 = paper).
    public var thinkingLossWeight: Float
    /// When the topic has had nothing new for this long, the remaining packed tokens are trained in a last padded
    /// step, a checkpoint is written and the run ends; `nil` waits forever (until `maxSteps` or cancellation).
    public var stopWhenIdle: Duration?
    /// Appends `step <n> <sample ids completed in it>` per step; lines of steps a restart redoes are dropped on
    /// resume, so the file lists each trained sample exactly once.
    public var stepLogPath: String?
    /// Dead letters keep at most this many bytes of the shard record.
    public var deadLetterRawLimitBytes: Int
    /// How long the consumer sleeps when a poll returns nothing.
    public var pollInterval: Duration

    public init(
        topics: TopicNames = TopicNames(), groupID: String = "thinkstream-train", start: Start,
        tokenizerNames: [String]? = nil, retokenize: Bool = false, documentOnly: Bool = false, epochs: Int = 1,
        shuffleBufferSamples: Int = 0, shuffleSeed: UInt64 = 0x7368_7566_666c_6531,
        duplicateWindowSamples: Int = 1 << 20, eosTokenID: Int? = nil, contextTokens: Int = 256,
        microBatchSize: Int = 4, gradientAccumulation: Int = 1,
        schedule: LearningRateSchedule = LearningRateSchedule(
            maxLearningRate: 3e-4, minLearningRate: 3e-5, warmupSteps: 100, totalSteps: 10_000),
        optimizer: AdamWConfiguration = AdamWConfiguration(), maxGradientNorm: Float? = 1, maxSteps: Int = 10_000,
        checkpointDirectory: String, checkpointEverySteps: Int = 100, checkpointInterval: Duration = .seconds(600),
        keepLastCheckpoints: Int = 3, evaluationFile: String? = nil, evaluationEverySteps: Int = 100,
        evaluationMaxDocuments: Int = 64, documentBoundaryMasking: Bool = false, documentLossWeight: Float = 1,
        thinkingLossWeight: Float = 1, stopWhenIdle: Duration? = nil, stepLogPath: String? = nil,
        deadLetterRawLimitBytes: Int = 4096, pollInterval: Duration = .milliseconds(20)
    ) {
        self.topics = topics
        self.groupID = groupID
        self.start = start
        self.tokenizerNames = tokenizerNames
        self.retokenize = retokenize
        self.documentOnly = documentOnly
        self.epochs = epochs
        self.shuffleBufferSamples = shuffleBufferSamples
        self.shuffleSeed = shuffleSeed
        self.duplicateWindowSamples = duplicateWindowSamples
        self.eosTokenID = eosTokenID
        self.contextTokens = contextTokens
        self.microBatchSize = microBatchSize
        self.gradientAccumulation = gradientAccumulation
        self.schedule = schedule
        self.optimizer = optimizer
        self.maxGradientNorm = maxGradientNorm
        self.maxSteps = maxSteps
        self.checkpointDirectory = checkpointDirectory
        self.checkpointEverySteps = checkpointEverySteps
        self.checkpointInterval = checkpointInterval
        self.keepLastCheckpoints = keepLastCheckpoints
        self.evaluationFile = evaluationFile
        self.evaluationEverySteps = evaluationEverySteps
        self.evaluationMaxDocuments = evaluationMaxDocuments
        self.documentBoundaryMasking = documentBoundaryMasking
        self.documentLossWeight = documentLossWeight
        self.thinkingLossWeight = thinkingLossWeight
        self.stopWhenIdle = stopWhenIdle
        self.stepLogPath = stepLogPath
        self.deadLetterRawLimitBytes = deadLetterRawLimitBytes
        self.pollInterval = pollInterval
    }

    /// Rows per optimizer step, `B * K`.
    public var rowsPerStep: Int { microBatchSize * gradientAccumulation }

    /// - Throws: `PipelineError` `.invalidConfiguration` naming the setting and its value.
    public func validate() throws {
        func invalid(_ key: String, _ value: Any, _ rule: String) -> PipelineError {
            PipelineError(.invalidConfiguration, "train.\(key) = \(value): \(rule)")
        }
        guard duplicateWindowSamples >= 1 else {
            throw invalid("duplicateWindowSamples", duplicateWindowSamples, "must be at least 1")
        }
        guard shuffleBufferSamples >= 0 else {
            throw invalid("shuffleBufferSamples", shuffleBufferSamples, "must not be negative (0 turns shuffling off)")
        }
        guard contextTokens >= 2 else { throw invalid("contextTokens", contextTokens, "must be at least 2") }
        guard microBatchSize >= 1 else { throw invalid("microBatchSize", microBatchSize, "must be at least 1") }
        guard gradientAccumulation >= 1 else {
            throw invalid("gradientAccumulation", gradientAccumulation, "must be at least 1")
        }
        guard epochs >= 1 else { throw invalid("epochs", epochs, "must be at least 1") }
        guard maxSteps >= 0 else { throw invalid("maxSteps", maxSteps, "must not be negative") }
        guard checkpointEverySteps >= 1 else {
            throw invalid("checkpointEverySteps", checkpointEverySteps, "must be at least 1")
        }
        guard keepLastCheckpoints >= 1 else {
            throw invalid("keepLastCheckpoints", keepLastCheckpoints, "must be at least 1")
        }
        guard evaluationEverySteps >= 1 else {
            throw invalid("evaluationEverySteps", evaluationEverySteps, "must be at least 1")
        }
        guard documentLossWeight >= 0, thinkingLossWeight >= 0 else {
            throw invalid(
                "documentLossWeight/thinkingLossWeight", "\(documentLossWeight)/\(thinkingLossWeight)",
                "must not be negative")
        }
        guard !checkpointDirectory.isEmpty else {
            throw invalid("checkpointDirectory", "\"\"", "must name a directory")
        }
    }
}
