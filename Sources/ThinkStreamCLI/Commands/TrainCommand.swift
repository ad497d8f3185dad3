import ArgumentParser
import Foundation
import Kafka
import Logging
import Observability
import Pipeline
import Shards
import Training

/// `thinkstream train`: continuous pre-training from the shards topic (`run`, the default) and checkpoint export.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Continuous pre-training on the shards topic, with exact resume after a crash.",
        subcommands: [TrainRunCommand.self, TrainExportCommand.self],
        defaultSubcommand: TrainRunCommand.self)
}

struct TrainRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Train on shards until --max-steps (or --stop-when-idle), resuming from the newest checkpoint.",
        discussion: """
            Starts from --model (a llama GGUF, dequantized to fp32; SmolLM2-135M by default) or --fresh (seeded \
            weights, byte tokenizer: \
            ids are UTF-8 bytes, EOS 0). Shards must use the model's tokenizer unless --retokenize recomputes each \
            sample's token ids from its text. A checkpoint in --checkpoint-dir always wins: the run resumes from it at \
            the exact sample it stopped. Prints one line per --log-every steps on stdout and a summary at the end.
            --epochs N replays a finished shards topic N times (at its end every partition is re-read from the \
            beginning and sample ids are deduplicated per epoch); --document-only trains only each sample's document \
            span (the vanilla arm of an A/B on the same shards).
            Exit codes: 0 done, 64 usage or unreadable model/eval file, 69 broker unreachable, 70 internal or \
            checkpoint I/O error, 130 interrupted (a checkpoint is written first).
            """)

    @OptionGroup var kafka: KafkaOptions
    @OptionGroup var metrics: MetricsOptions

    @Option(
        help:
            "Start model: a llama-architecture GGUF (default: SmolLM2-135M-Instruct.Q4_1.gguf in THINKSTREAM_MODELS_DIR or .deps/models)."
    )
    var model: String?

    @Option(
        help: "Start from seeded random weights of a shape: tiny (~90 k parameters), small (~0.82 M) or smollm2-135m.")
    var fresh: String?

    @Option(help: "Seed of --fresh weights.")
    var seed: UInt64 = 1

    @Option(help: "Stop after this many optimizer steps (counted across restarts).")
    var maxSteps = 1000

    @Option(help: "Checkpoint directory (resumed from when it holds a checkpoint).")
    var checkpointDir: String

    @Option(help: "Positions per row T.")
    var context = 256

    @Option(help: "Rows per micro-batch B.")
    var microBatch = 4

    @Option(help: "Micro-batches per optimizer step.")
    var gradientAccumulation = 1

    @Option(help: "Peak learning rate.")
    var learningRate: Float = 3e-4

    @Option(help: "Final learning rate of the cosine schedule.")
    var minLearningRate: Float = 3e-5

    @Option(help: "Linear warm-up steps.")
    var warmupSteps = 100

    @Option(help: "AdamW weight decay (2-D weights).")
    var weightDecay: Float = 0.1

    @Option(help: "Gradient-norm clip (0 disables).")
    var clip: Float = 1

    @Option(help: "Checkpoint every N steps.")
    var checkpointEvery = 100

    @Option(help: "...or every M minutes, whichever comes first.")
    var checkpointMinutes: Double = 10

    @Option(help: "Checkpoints to keep.")
    var keepLast = 3

    @Option(help: "Held-out JSONL documents for evaluation (maths vs general by `domain`/`kind`/`source`).")
    var evalFile: String?

    @Option(help: "Evaluate every N steps.")
    var evalEvery = 100

    @Flag(help: "Mask attention across packed documents.")
    var documentBoundaryMasking = false

    @Option(help: "Loss weight of document tokens (paper: 1).")
    var documentLossWeight: Float = 1

    @Option(help: "Loss weight of thinking tokens (paper: 1).")
    var thinkingLossWeight: Float = 1

    @Option(help: "Tokenizer name shards must carry (repeatable; default derived from the model).")
    var tokenizer: [String] = []

    @Flag(help: "Re-tokenize samples from their text with the model's tokenizer; accepts shards of any tokenizer.")
    var retokenize = false

    @Flag(
        help:
            "Train each sample as its document span only (thinking and separators dropped; one per document per epoch)."
    )
    var documentOnly = false

    @Option(
        help: "Passes over the shards topic: at its end, re-read every partition from the beginning (dedup per epoch).")
    var epochs = 1

    @Option(
        help:
            "Samples held in a shuffle buffer before packing, so a document's side-by-side trajectories are trained about this many samples apart (0: stream order; saved in checkpoints)."
    )
    var shuffleBuffer = 0

    @Option(help: "Seed of the shuffle buffer's order.")
    var shuffleSeed: UInt64 = 0x7368_7566_666c_6531

    @Option(
        help:
            "Distinct sample ids the duplicate filter remembers (16 bytes each in memory and checkpoints); a duplicate further apart is trained again."
    )
    var duplicateWindow = 1 << 20

    @Option(help: "Consumer group.")
    var groupID = "thinkstream-train"

    @Option(help: "Seconds without new shards after which the packed rest is trained, checkpointed, and the run ends.")
    var stopWhenIdle: Double?

    @Option(help: "Append each step's completed sample ids to this file (audit / crash tests).")
    var stepLog: String?

    @Option(help: "Print a loss line every N steps.")
    var logEvery = 1

    @Option(help: "Partitions for topics train creates.")
    var partitions: Int32 = 3

    @Flag(help: "Debug logging.")
    var verbose = false

    /// Refuses a start model that cannot be read, an unknown --fresh shape or a missing THINKSTREAM_MODELS_DIR before
    /// the run touches the broker (a resumed run reads its start model from the checkpoint, so the default file
    /// itself is checked only when the run starts).
    func validate() throws {
        if let model, !FileManager.default.isReadableFile(atPath: model) {
            throw ValidationError("--model \(model): no such readable file; give the path of a llama GGUF")
        }
        if let shape = fresh, !["tiny", "small", "smollm2-135m", "smollm2"].contains(shape.lowercased()) {
            throw ValidationError("--fresh '\(shape)': use tiny, small or smollm2-135m")
        }
        if model != nil && fresh != nil {
            throw ValidationError("give at most one of --model <gguf> and --fresh <shape>")
        }
        let settings = try kafka.settings(with: [metrics])
        _ = try metrics.configuration(settings)
        if model == nil, fresh == nil { _ = try ModelOptions.modelsDirectory(settings) }
    }

    func run() throws {
        let logger = try CommandBootstrap.start(command: "train", verbose: verbose)
        InterruptFlag.install()
        let summary: TrainSummary
        do {
            summary = try train(logger: logger)
        } catch let error as ValidationError {
            throw error
        } catch {
            throw CommandBootstrap.fail(error)
        }
        let progress = summary.progress
        var text = String(
            format:
                "trained steps %d..%d (%@), loss %.4f, tokens %d, samples %d, duplicates %d, dead-lettered %d, seconds %.1f (%.0f tok/s)",
            summary.resumedFromStep, progress.step, summary.stopReason.rawValue, progress.loss,
            progress.totals.tokensTrained,
            progress.totals.samplesTrained, progress.totals.duplicateSamples, progress.totals.deadLetters,
            summary.seconds,
            summary.tokensPerSecond)
        if epochs > 1 { text += ", epoch \(progress.epoch + 1)/\(epochs)" }
        if !progress.totals.samplesByLevel.isEmpty {
            text +=
                ", by level "
                + progress.totals.samplesByLevel.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(
                    separator: " ")
        }
        print(text)
        if summary.stopReason == .cancelled { throw ExitCode(130) }
    }

    private func train(logger: Logger) throws -> TrainSummary {
        let start: TrainConfiguration.Start
        let settings = try kafka.settings(with: [metrics])
        let defaultModel =
            (settings.value("model.directory")?.value ?? ".deps/models") + "/SmolLM2-135M-Instruct.Q4_1.gguf"
        switch (model, fresh) {
        case (let path?, nil): start = .gguf(path: path)
        case (nil, nil): start = .gguf(path: defaultModel)
        case (nil, let shape?):
            switch shape.lowercased() {
            case "tiny": start = .fresh(.tiny, seed: seed)
            case "small": start = .fresh(.small, seed: seed)
            case "smollm2-135m", "smollm2": start = .fresh(.smolLM2_135M, seed: seed)
            default: throw ValidationError("--fresh '\(shape)': use tiny, small or smollm2-135m")
            }
        default: throw ValidationError("give at most one of --model <gguf> and --fresh <shape>")
        }
        let configuration = TrainConfiguration(
            topics: kafka.topics, groupID: groupID, start: start, tokenizerNames: tokenizer.isEmpty ? nil : tokenizer,
            retokenize: retokenize, documentOnly: documentOnly, epochs: epochs, shuffleBufferSamples: shuffleBuffer,
            shuffleSeed: shuffleSeed, duplicateWindowSamples: duplicateWindow, contextTokens: context,
            microBatchSize: microBatch,
            gradientAccumulation: gradientAccumulation,
            schedule: LearningRateSchedule(
                maxLearningRate: learningRate, minLearningRate: min(minLearningRate, learningRate),
                warmupSteps: min(warmupSteps, maxSteps), totalSteps: maxSteps),
            optimizer: AdamWConfiguration(weightDecay: weightDecay), maxGradientNorm: clip > 0 ? clip : nil,
            maxSteps: maxSteps, checkpointDirectory: checkpointDir, checkpointEverySteps: checkpointEvery,
            checkpointInterval: .milliseconds(Int64(checkpointMinutes * 60_000)), keepLastCheckpoints: keepLast,
            evaluationFile: evalFile, evaluationEverySteps: evalEvery, documentBoundaryMasking: documentBoundaryMasking,
            documentLossWeight: documentLossWeight, thinkingLossWeight: thinkingLossWeight,
            stopWhenIdle: stopWhenIdle.map { .milliseconds(Int64($0 * 1000)) }, stepLogPath: stepLog)
        let client = try kafka.clientConfiguration(clientID: "thinkstream-train")
        let admin = try KafkaAdmin(configuration: client, logger: logger)
        _ = try TopicSetup.ensureTopics(configuration.topics, partitions: partitions, admin: admin)
        let service = try TrainService(configuration: configuration, client: client, logger: logger)
        let componentMetrics = try ComponentMetrics(
            component: "train", configuration: try metrics.configuration(settings), client: client,
            topic: kafka.topics.metrics,
            logger: logger)
        defer { componentMetrics.finish() }
        let trainMetrics = TrainMetrics(registry: componentMetrics.registry)
        let latestLag = LagTotal()
        componentMetrics.monitorLag(groupID: groupID, topic: configuration.topics.shards) { lags in
            for lag in lags { trainMetrics.setLag(partition: lag.partition, records: lag.records) }
            latestLag.set(lags.reduce(0) { $0 + $1.records })
        }
        var previous = TrainTotals()
        var progressLine = ProgressLine()
        defer { progressLine.finish() }
        return try service.run(isCancelled: { InterruptFlag.isRaised }) { progress in
            trainMetrics.stepDone(
                documentLoss: Double(progress.documentLoss ?? progress.loss),
                thinkingLoss: Double(progress.thinkingLoss ?? progress.loss),
                tokens: progress.totals.tokensTrained - previous.tokensTrained)
            for _ in previous.shardsAccepted..<max(previous.shardsAccepted, progress.totals.shardsAccepted) {
                trainMetrics.shardConsumed()
            }
            trainMetrics.stepDetails(
                loss: Double(progress.loss),
                lossByLevel: Dictionary(
                    uniqueKeysWithValues: progress.lossByLevel.map { ($0.key.rawValue, Double($0.value)) }),
                learningRate: Double(progress.learningRate), gradientNorm: Double(progress.gradientNorm),
                stepSeconds: progress.stepSeconds, tokensPerSecond: progress.tokensPerSecond)
            for (level, count) in progress.totals.samplesByLevel {
                trainMetrics.samplesSeen(
                    level: level.rawValue, count: count - previous.samplesByLevel[level, default: 0])
            }
            previous = progress.totals
            var progress = progress
            progress.consumerLag = latestLag.value
            if progress.step % logEvery == 0 || progress.step == maxSteps {
                progressLine.finish()
                FileHandle.standardOutput.write(Data((Self.describe(progress) + "\n").utf8))
            } else if CommandBootstrap.isTerminal {
                progressLine.draw(Self.describe(progress))
            }
            if let evaluation = progress.evaluation, evaluation.step == progress.step {
                progressLine.finish()
                FileHandle.standardOutput.write(Data((Self.describe(evaluation) + "\n").utf8))
            }
        }
    }

    static func describe(_ progress: TrainProgress) -> String {
        var text = String(
            format: "step %d/%d loss %.4f", progress.step, progress.maxSteps, progress.loss)
        if let loss = progress.documentLoss { text += String(format: " doc %.4f", loss) }
        if let loss = progress.thinkingLoss { text += String(format: " think %.4f", loss) }
        text += String(
            format: " lr %.2e gnorm %.3f %.0f tok/s %.3fs", progress.learningRate, progress.gradientNorm,
            progress.tokensPerSecond, progress.stepSeconds)
        if let lag = progress.consumerLag { text += " lag \(lag)" }
        return text
    }

    static func describe(_ evaluation: TrainEvaluationResult) -> String {
        var text = "eval step \(evaluation.step)"
        if let maths = evaluation.maths {
            text += String(
                format: " maths loss %.4f ppl %.2f (%d docs, %d tokens)", maths.loss, maths.perplexity, maths.documents,
                maths.tokens)
        }
        if let general = evaluation.general {
            text += String(
                format: " general loss %.4f ppl %.2f (%d docs, %d tokens)", general.loss, general.perplexity,
                general.documents, general.tokens)
        }
        return text
    }
}
