import Foundation
import ModelConversion
import GGUF
import Kafka
import Logging
import Shards
import Training

/// `thinkstream train`: continuous pre-training from the shards topic with exact resume.
///
/// One loop on one thread (``run(isCancelled:onProgress:)`` blocks; call it from a dedicated thread such as the CLI's
/// main thread, or use ``runOnDedicatedThread(isCancelled:onProgress:)``): read shards only while the packer needs
/// tokens (checksum-verified, tokenizer-checked, sample ids deduplicated), optionally shuffle, pack, train a step, and every N steps or
/// M minutes write one checkpoint holding weights, AdamW state, step, RNG, the packer's carry-over, the shuffle buffer, the duplicate window of sample
/// ids and the next offset of every partition. Kafka offsets are committed only after that file is durable. A
/// restart loads the newest valid checkpoint and assigns the partitions at its offsets, so after `kill -9` it trains
/// exactly the samples not yet trained: none twice (the carry-over and the duplicate window come back with the weights), none
/// skipped (offsets never run ahead of the checkpoint).
public final class TrainService: Sendable {
    public let configuration: TrainConfiguration
    let client: KafkaClientConfiguration
    let logger: Logger
    let store: CheckpointStore

    /// Everything a checkpoint holds besides the weights and optimizer.
    struct TrainerState: Codable {
        var packer: SequencePacker.State
        /// The sample ids seen this epoch, in checkpoints written before the duplicate window (read on resume only).
        var seenSampleIDs: [String]?
        /// The duplicate window's keys (``RecentSampleFilter/serialized``).
        var recentSampleKeys: String?
        var totals: TrainTotals
        /// The GGUF the run started from (its tokenizer and metadata are reused on resume and export).
        var startModelPath: String?
        var tokenizerNames: [String]
        var eosTokenID: Int
        /// The epoch the offsets and seen ids belong to (absent in checkpoints of runs before `epochs`: 0).
        var epoch: Int?
        /// Whether samples were trained document-only (absent: false).
        var documentOnly: Bool?
        /// Samples read but still in the shuffle buffer, and its random state (absent: no shuffling).
        var shuffle: SampleShuffleBuffer.State?
    }

    /// - Throws: `PipelineError` `.invalidConfiguration` for invalid settings.
    public init(configuration: TrainConfiguration, client: KafkaClientConfiguration, logger: Logger) throws {
        try configuration.validate()
        self.configuration = configuration
        self.client = client
        self.logger = logger
        store = CheckpointStore(
            directory: configuration.checkpointDirectory, keepLast: configuration.keepLastCheckpoints)
    }

    /// Runs ``run(isCancelled:onProgress:)`` on a new thread named `thinkstream-trainer`, off the cooperative pool.
    public func runOnDedicatedThread(
        isCancelled: @escaping @Sendable () -> Bool, onProgress: @escaping @Sendable (TrainProgress) -> Void = { _ in }
    ) async throws -> TrainSummary {
        let service = self
        return try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try service.run(isCancelled: isCancelled, onProgress: onProgress) })
            }
            thread.name = "thinkstream-trainer"
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    /// Trains until `maxSteps`, `stopWhenIdle` or `isCancelled`, then writes a last checkpoint and commits.
    ///
    /// - Parameter onProgress: called after each step on the training thread.
    /// - Throws: `TrainingError` for checkpoint I/O, `KafkaError` when the broker fails, `PipelineError` for an
    ///   unusable start model or evaluation file.
    public func run(
        isCancelled: @escaping @Sendable () -> Bool, onProgress: @escaping (TrainProgress) -> Void = { _ in }
    ) throws -> TrainSummary {
        let started = ContinuousClock.now
        var run = try TrainRun(service: self)
        var summary = TrainSummary()
        summary.resumedFromStep = run.step
        summary.resumedFrom = run.resumedFrom
        defer { run.close() }
        try run.assignPartitions()
        let needed = configuration.rowsPerStep * configuration.contextTokens
        var lastInput = ContinuousClock.now
        var lastCheckpoint = ContinuousClock.now
        var checkpointedStep = run.step
        var stopReason = TrainStopReason.maxSteps
        var tokensThisRun = 0
        loop: while run.step < configuration.maxSteps {
            if isCancelled() {
                stopReason = .cancelled
                break
            }
            var padding = false
            reading: while run.packer.pendingTargets < needed {
                if isCancelled() { break }
                switch try run.consumer.poll(timeout: .zero) {
                case .message(let record)?:
                    try run.accept(record)
                    lastInput = ContinuousClock.now
                case .partitionEnd(let end)?:
                    if try run.partitionEnded(end.partition) { lastInput = ContinuousClock.now }
                case nil:
                    // While passes remain, the end of the topic starts the next epoch rather than the idle stop.
                    if let idle = configuration.stopWhenIdle, run.isLastEpoch, ContinuousClock.now - lastInput >= idle {
                        // The topic is finished: what waits in the shuffle buffer is trained before the last step.
                        if run.drainShuffleBuffer() > 0 { continue reading }
                        padding = true
                        break reading
                    }
                    Thread.sleep(forTimeInterval: Double(configuration.pollInterval.milliseconds) / 1000)
                }
            }
            if isCancelled() {
                stopReason = .cancelled
                break
            }
            guard let packed = run.packer.nextStep(rows: configuration.rowsPerStep, padding: padding) else {
                if padding {
                    stopReason = .idle
                    break loop
                }
                continue
            }
            let progress = try run.train(packed)
            tokensThisRun += packed.realTargets
            summary.losses.append(progress.loss)
            if run.step % configuration.evaluationEverySteps == 0, let evaluation = run.evaluationSet {
                run.progress.evaluation = evaluation.evaluate(
                    model: run.model, step: run.step, B: configuration.microBatchSize, T: configuration.contextTokens,
                    eosTokenID: run.tokenizer.eosTokenID)
                logEvaluation(run.progress.evaluation!)
            }
            if padding || run.step % configuration.checkpointEverySteps == 0
                || ContinuousClock.now - lastCheckpoint >= configuration.checkpointInterval
            {
                try run.checkpoint()
                checkpointedStep = run.step
                lastCheckpoint = ContinuousClock.now
            }
            onProgress(run.progress)
            if padding {
                stopReason = .idle
                break
            }
        }
        if checkpointedStep != run.step || run.hasUncheckpointedInput {
            try run.checkpoint()
        }
        summary.progress = run.progress
        summary.stopReason = stopReason
        summary.seconds = (ContinuousClock.now - started) / .seconds(1)
        summary.tokensPerSecond = summary.seconds > 0 ? Double(tokensThisRun) / summary.seconds : 0
        return summary
    }

    func logEvaluation(_ result: TrainEvaluationResult) {
        var metadata: Logger.Metadata = ["train.step": "\(result.step)"]
        if let maths = result.maths { metadata["train.eval.maths_loss"] = "\(maths.loss)" }
        if let general = result.general { metadata["train.eval.general_loss"] = "\(general.loss)" }
        logger.info("train evaluation", metadata: metadata)
    }
}
