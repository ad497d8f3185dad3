import ArgumentParser
import Augmentation
import Foundation
import GGUF
import Generation
import Inference
import Kafka
import Logging
import Observability
import Pipeline
import RemoteGeneration
import Shards
import Synchronization
import Tokenization

/// `thinkstream augment`: one worker of the augment consumer group.
struct AugmentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "augment",
        abstract: "Turn raw documents into thinking-augmented samples and commit them as shards, exactly once.",
        discussion: """
            Workers with the same --group split the raw topic's partitions. Each shard, its dead letters and the input \
            offsets it covers commit in one Kafka transaction under --transactional-id, which must be stable across \
            restarts of the same worker and unique between workers.
            """)

    @OptionGroup var kafka: KafkaOptions
    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var metrics: MetricsOptions

    @Option(help: "Consumer group of the augment workers.")
    var group = "thinkstream-augment"

    @Option(help: "This worker's transactional id (default thinkstream-augment-<host>).")
    var transactionalID: String?

    @Option(
        help: ArgumentHelp(
            "Generate with an OpenAI-compatible completions server (vLLM, SGLang, llama.cpp, thinkstream serve) at this base URL instead of the in-process engine.",
            discussion:
                "The server's model must share --model's tokenizer (checked at start); prompts travel as token ids."))
    var generatorURL: String?

    @Option(help: "Model name for --generator-url requests (default: the first model the server lists).")
    var generatorModel: String?

    @Option(help: "HTTP requests in flight at most with --generator-url.")
    var generatorConcurrency = 16

    @Option(help: "Documents handed to the engine at once.")
    var maxDocumentsInFlight = 8

    @OptionGroup var method: MethodOptions

    @Option(help: "Samples per shard at most.")
    var shardMaxSamples = 64

    @Option(help: "Seconds a shard may stay open.")
    var shardMaxSeconds = 30.0

    @Option(help: "Exit after this many seconds without new input (0 = run until interrupted).")
    var stopWhenIdle = 0.0

    @Flag(help: "Debug logging.")
    var verbose = false

    func validate() throws {
        let settings = try kafka.settings(with: [metrics, modelOptions])
        _ = try metrics.configuration(settings)
        _ = try modelOptions.resolve(settings)
    }

    func run() async throws {
        let logger = try CommandBootstrap.start(command: "augment", verbose: verbose)
        InterruptFlag.install()
        do {
            let summary = try await augment(logger: logger)
            print(AugmentCommand.describe(summary))
            if let ratio = summary.expansionRatio {
                print(
                    String(
                        format: "  expansion ratio %.2f (%d sample tokens ÷ %d raw tokens of the documents sampled)",
                        ratio,
                        summary.sampleTokens, summary.documentTokens))
            }
            for row in summary.thinkingTokenStatistics {
                print(
                    "  \(row.level.rawValue.padding(13))\(row.samples) samples, thinking tokens mean "
                        + String(format: "%.1f", row.mean) + ", p95 \(row.p95)")
            }
        } catch let error as ValidationError {
            throw error
        } catch {
            throw CommandBootstrap.fail(error)
        }
    }

    private func augment(logger: Logger) async throws -> AugmentSummary {
        let method = try self.method.configuration()
        let client = try kafka.clientConfiguration(clientID: "thinkstream-augment")
        let admin = try KafkaAdmin(configuration: client, logger: logger)
        try TopicSetup.ensureTopics(kafka.topics, partitions: 3, admin: admin)
        let (augmenter, engine) = try await makeAugmenter(method, logger: logger)
        AugmentCommand.reportMethod(augmenter, logger: logger)
        let host = ProcessInfo.processInfo.hostName
        let workerID = transactionalID ?? "thinkstream-augment-\(host)"
        let service = try AugmentService(
            configuration: .init(
                topics: kafka.topics, groupID: group, transactionalID: workerID,
                maxDocumentsInFlight: maxDocumentsInFlight,
                shardLimits: .init(maxSamples: shardMaxSamples, maxAge: .milliseconds(Int(shardMaxSeconds * 1000)))),
            client: client, augmenter: augmenter, logger: logger)
        let componentMetrics = try ComponentMetrics(
            component: "augment", configuration: try metrics.configuration(kafka.settings(with: [metrics])),
            client: client,
            topic: kafka.topics.metrics,
            logger: logger)
        defer { componentMetrics.finish() }
        let augmentMetrics = AugmentMetrics(registry: componentMetrics.registry)
        let publisher = componentMetrics.publisher
        componentMetrics.monitorLag(groupID: group, topic: kafka.topics.raw) { lags in
            for lag in lags { augmentMetrics.setLag(partition: lag.partition, records: lag.records) }
        }
        componentMetrics.registry.onCollect { [load = service.load] _ in
            augmentMetrics.setLoad(inFlightDocuments: load.inFlightDocuments, batchOccupancy: load.batchOccupancy)
        }
        let started = ContinuousClock.now
        let lastCommit = LastCommitClock()
        defer { Self.reportThroughput(augmenter: augmenter, started: started, lastCommit: lastCommit) }
        let summary = try await service.run(
            stopWhenIdle: stopWhenIdle > 0 ? .milliseconds(Int(stopWhenIdle * 1000)) : nil,
            isCancelled: { InterruptFlag.isRaised },
            onShard: { manifest, samples, summary in
                lastCommit.mark(documents: summary.documentsIn)
                Self.record(
                    manifest, samples, summary: summary, into: augmentMetrics, publisher: publisher, workerID: workerID)
                let line =
                    "shard \(manifest.shardID.prefix(12)): \(manifest.sampleCount) samples, \(manifest.deadLetterCount) dead letters; total \(AugmentCommand.describe(summary))"
                FileHandle.standardError.write(Data((line + "\n").utf8))
            })
        if let usage = await engine?.promptTokenUsage, usage.prefilled + usage.shared > 0 {
            print(
                "  prompt tokens \(usage.prefilled + usage.shared): \(usage.prefilled) prefilled, \(usage.shared) "
                    + "copied from a running or finished request with the same prompt prefix")
        }
        return summary
    }

    /// The augmenter over the in-process engine (returned too), or over the --generator-url server.
    private func makeAugmenter(_ method: TPTAugmenterConfiguration, logger: Logger) async throws -> (
        TPTDocumentAugmenter, InferenceEngine?
    ) {
        let settings = try modelOptions.resolve(kafka.settings(with: [modelOptions]))
        let modelPath = try settings.path(defaultFile: ModelOptions.defaultGeneratorFile)
        let model = try GeneratorModel(modelPath: modelPath)
        guard let generatorURL else {
            let engine = InferenceEngine(configuration: settings.engineConfiguration)
            try await engine.load(path: modelPath)
            return (
                TPTDocumentAugmenter(
                    model: model, configuration: method, backend: engine,
                    outageRetry: GeneratorOutageRetry(logger: logger)), engine
            )
        }
        guard let url = URL(string: generatorURL) else {
            throw ValidationError("--generator-url '\(generatorURL)': expected http://host:port")
        }
        let backend = try await RemoteCompletionsBackend.connect(
            configuration: .init(baseURL: url, model: generatorModel, maxConcurrentRequests: generatorConcurrency),
            tokenizer: model.tokenizer)
        logger.info(
            "generating with a remote completions server",
            metadata: ["generator.url": "\(generatorURL)", "generator.model": "\(backend.model)"])
        let augmenter = TPTDocumentAugmenter(
            model: model, configuration: method, backend: backend,
            remote: .init(url: generatorURL, model: backend.model), outageRetry: GeneratorOutageRetry(logger: logger))
        return (augmenter, nil)
    }

    /// Says which generator, budget and sampling the run uses, and warns when the difficulty weights were not
    /// fitted for this generator.
    static func reportMethod(_ augmenter: TPTDocumentAugmenter, logger: Logger) {
        let generator = augmenter.generator
        let budgets = ReasoningLevel.allCases.map {
            "\($0.rawValue) \(generator.maxThinkingTokensByLevel[$0] ?? 0)"
        }
        let penalties = augmenter.configuration.repetitionControl
        var sampling = "temperature \(generator.temperature), top-p \(generator.topP)"
        if penalties.penalizesRepetition {
            sampling +=
                ", presence penalty \(penalties.presencePenalty), frequency penalty \(penalties.frequencyPenalty)"
                + ", repetition penalty \(penalties.repetitionPenalty), no-repeat n-gram \(penalties.noRepeatNGramTokens)"
        }
        FileHandle.standardError.write(
            Data(
                ("generator \(generator.modelFile) (\(generator.remote.map { "remote \($0.url)" } ?? "in-process")); "
                    + "template \(generator.templateID) v\(generator.templateVersion); \(generator.upsamplingMode) up-sampling, "
                    + "thinking budget by level: \(budgets.joined(separator: ", ")); \(sampling)\n").utf8))
        if !augmenter.difficultyWeightsFitForGenerator {
            logger.warning(
                "no difficulty weights were fitted for this generator; scoring with the generator-independent structural weights (see scripts/difficulty/REPORT.md)",
                metadata: ["generator.model_file": "\(generator.modelFile)"])
        }
    }

    /// Metrics and a lineage event for one committed shard.
    static func record(
        _ manifest: ShardManifest, _ samples: [ShardSample], summary: AugmentSummary, into metrics: AugmentMetrics,
        publisher: MetricsPublisher, workerID: String
    ) {
        for latency in summary.lastShardDocumentLatencies { metrics.documentDone(latency: latency) }
        for sample in samples {
            metrics.sampleProduced(level: sample.level.rawValue, thinkingTokens: sample.thinkingTokenCount)
        }
        metrics.deadLettersCommitted(summary.deadLettersByReason)
        guard manifest.sampleCount > 0 else { return }
        let lineage = LineageEvent(
            stage: .sharded, shardID: manifest.shardID, component: "augment", instanceID: workerID,
            timestampMilliseconds: Int64(Date().timeIntervalSince1970 * 1000),
            inputs: manifest.inputs.map {
                .init(topic: $0.topic, partition: $0.partition, firstOffset: $0.firstOffset, lastOffset: $0.lastOffset)
            })
        try? publisher.publish(lineage)
    }

    /// Prints the run's generation throughput up to the last committed shard (idle waiting excluded): generated
    /// tokens over every attempt, tokens/s and documents/hour.
    static func reportThroughput(
        augmenter: TPTDocumentAugmenter, started: ContinuousClock.Instant, lastCommit: LastCommitClock
    ) {
        guard let (at, documents) = lastCommit.last else { return }
        let seconds = (at - started).seconds
        guard seconds > 0 else { return }
        let tokens = augmenter.generatedTokenCount
        print(
            String(
                format:
                    "throughput: %d documents in %.1f s (%.0f documents/hour); %d tokens generated over every attempt (%.1f tokens/s)",
                documents, seconds, Double(documents) * 3600 / seconds, tokens, Double(tokens) / seconds))
    }

    static func describe(_ summary: AugmentSummary) -> String {
        let levels = summary.samplesByLevel.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(
            separator: ", ")
        return
            "documents \(summary.documentsIn), samples \(summary.samplesOut) (\(levels)), shards \(summary.shardsCommitted), "
            + "dead letters \(summary.deadLetters), thinking tokens \(summary.thinkingTokens)"
    }
}

/// When the last shard committed and how many documents the run had taken in by then.
final class LastCommitClock: Sendable {
    private let state = Mutex<(at: ContinuousClock.Instant, documents: Int)?>(nil)
    func mark(documents: Int) { state.withLock { $0 = (ContinuousClock.now, documents) } }
    var last: (at: ContinuousClock.Instant, documents: Int)? { state.withLock { $0 } }
}
