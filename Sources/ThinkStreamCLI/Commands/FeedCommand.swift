import ArgumentParser
import Foundation
import Kafka
import Logging
import Observability
import Pipeline

/// `thinkstream feed`: corpora into the raw topic.
struct FeedCommand: ParsableCommand, SettingFlags {
    static let configuration = CommandConfiguration(
        commandName: "feed",
        abstract: "Produce documents from JSONL, zstd-compressed JSONL, text files, folders or stdin to the raw topic.",
        discussion: """
            Each document is produced keyed by its id (the --id-field value, else the sha256 of the text with line \
            endings made \\n and surrounding whitespace removed). Exact duplicates within a run are dropped and \
            counted. Bad records go to the dead-letter topic with one stderr line naming file and line.
            Metrics go to <prefix>.metrics every --metrics-interval seconds and once more on exit; --metrics-port \
            serves them as /metrics (Prometheus) while the run lasts.
            A record the broker has not acknowledged within the delivery timeout (librdkafka's default, 300 s; \
            kafka.librdkafka.message.timeout.ms), retries included, fails the run: a network cut shorter than that is \
            ridden out.
            Exit codes: 0 done, 64 usage or unreadable input, 65 bad record with --strict, 69 broker unreachable or \
            records not acknowledged, 130 interrupted (what was accepted is flushed first).
            """)

    @OptionGroup var kafka: KafkaOptions
    @OptionGroup var metrics: MetricsOptions

    @Argument(help: "Files or folders (recursive); '-' reads stdin.")
    var paths: [String]

    @Option(help: "JSON field with the document text (env THINKSTREAM_FEED_TEXT_FIELD; default text).")
    var textField: String?

    @Option(help: "JSON field with the document id (env THINKSTREAM_FEED_ID_FIELD; default id).")
    var idField: String?

    @Flag(help: "Drop the record's other fields instead of keeping them as metadata.")
    var noMetadata = false

    @Option(help: "Largest accepted text in bytes (env THINKSTREAM_FEED_MAX_DOCUMENT_BYTES; default 1048576, 1 MiB).")
    var maxDocumentBytes: Int?

    @Option(help: "Partitions for topics feed creates (env THINKSTREAM_FEED_PARTITIONS; default 3).")
    var partitions: Int32?

    @Option(help: "How to read stdin: jsonl, jsonl.zst or text (env THINKSTREAM_FEED_STDIN_FORMAT; default jsonl).")
    var stdinFormat: String?

    @Flag(
        help:
            "Stop at the first bad record (exit 65) instead of dead-lettering it (env THINKSTREAM_FEED_STRICT=1).")
    var strict = false

    @Flag(help: "Debug logging.")
    var verbose = false

    func settingFlags() throws -> [String: String] {
        var values: [String: String] = [:]
        values["feed.textField"] = textField
        values["feed.idField"] = idField
        values["feed.maxDocumentBytes"] = maxDocumentBytes.map { "\($0)" }
        values["feed.partitions"] = partitions.map { "\($0)" }
        values["feed.stdinFormat"] = stdinFormat
        values["feed.strict"] = strict ? "true" : nil
        return values
    }

    /// The feed settings, resolved and checked.
    struct Settings {
        let configuration: FeedConfiguration
        let format: FeedInput.Format
        let metrics: MetricsConfiguration
    }

    /// - Throws: `ValidationError` naming a malformed value and where it came from.
    func settings() throws -> Settings {
        let settings = try kafka.settings(with: [metrics, self])
        let formatName = settings.value("feed.stdinFormat")
        guard let format = FeedInput.Format(rawValue: formatName?.value ?? "jsonl") else {
            throw ValidationError(
                "\(formatName?.source ?? "--stdin-format") '\(formatName?.value ?? "")': use jsonl, jsonl.zst or text")
        }
        let configuration = FeedConfiguration(
            topics: kafka.topics,
            partitions: Int32(
                try settings.integer("feed.partitions", in: 1...100_000, expected: "1 or more partitions") ?? 3),
            textField: settings.value("feed.textField")?.value ?? "text",
            idField: settings.value("feed.idField")?.value ?? "id", keepMetadata: !noMetadata,
            maxDocumentBytes: try settings.integer("feed.maxDocumentBytes", in: 1...Int.max, expected: "bytes > 0")
                ?? 1 << 20,
            strict: try settings.boolean("feed.strict") ?? false)
        return Settings(configuration: configuration, format: format, metrics: try metrics.configuration(settings))
    }

    func validate() throws { _ = try settings() }

    func run() throws {
        let logger = try CommandBootstrap.start(command: "feed", verbose: verbose)
        InterruptFlag.install()
        let summary: FeedSummary
        do {
            summary = try feed(logger: logger)
        } catch {
            throw CommandBootstrap.fail(error)
        }
        print(
            "read \(summary.read), produced \(summary.produced), duplicates \(summary.duplicates), "
                + "dead-lettered \(summary.deadLettered), bytes \(summary.bytesRead), "
                + String(
                    format: "seconds %.2f (%.0f docs/s, %.1f MB/s)", summary.seconds, summary.documentsPerSecond,
                    summary.megabytesPerSecond))
        logger.info(
            "feed finished",
            metadata: [
                "feed.read": "\(summary.read)", "feed.produced": "\(summary.produced)",
                "feed.duplicates": "\(summary.duplicates)", "feed.dead_lettered": "\(summary.deadLettered)",
                "feed.bytes": "\(summary.bytesRead)", "feed.seconds": "\(summary.seconds)",
            ])
        if summary.interrupted { throw ExitCode(130) }
    }

    private func feed(logger: Logger) throws -> FeedSummary {
        let settings = try settings()
        let configuration = settings.configuration
        let inputs = try FeedInput.expand(paths, stdinFormat: settings.format)
        let client = try kafka.clientConfiguration(clientID: "thinkstream-feed")
        let admin = try KafkaAdmin(configuration: client, logger: logger)
        try TopicSetup.ensureTopics(configuration.topics, partitions: configuration.partitions, admin: admin)
        let metricsConfiguration = settings.metrics
        let registry = CommandBootstrap.startMetrics(component: "feed")
        let feedMetrics = FeedMetrics(registry: registry)
        Self.update(feedMetrics, from: FeedSummary())  // every feed series exists, at 0, from the first scrape on
        let endpoint = CommandBootstrap.startMetricsEndpoint(metricsConfiguration, registry: registry, logger: logger)
        defer { endpoint?.cancel() }
        let producer = try KafkaProducer(configuration: .init(client: client), logger: logger)
        defer { producer.close() }
        let publisher = MetricsPublisher(
            registry: registry, producer: producer, topic: configuration.topics.metrics,
            interval: metricsConfiguration.interval, logger: logger)
        let periodic = Task { await publisher.runPeriodically() }
        defer {
            periodic.cancel()
            do {
                try publisher.publish(isFinal: true)
            } catch {
                logger.warning("final metrics event not published", metadata: ["metrics.error": "\(error)"])
            }
        }
        let service = try FeedService(configuration: configuration, producer: producer, logger: logger)
        var progress = ProgressLine()
        var lastLog = ContinuousClock.now
        defer { progress.finish() }
        let summary = try service.run(
            inputs: inputs, isCancelled: { InterruptFlag.isRaised },
            onDeadLetter: { letter in
                progress.finish()
                FileHandle.standardError.write(
                    Data(
                        "feed: \(letter.sourceFile)\(letter.sourceLine.map { ":\($0)" } ?? ""): \(letter.reason): \(letter.message)\n"
                            .utf8))
            },
            onProgress: { snapshot in
                Self.update(feedMetrics, from: snapshot.summary)
                if CommandBootstrap.isTerminal {
                    progress.draw(Self.describe(snapshot))
                } else if ContinuousClock.now - lastLog >= .seconds(5) {
                    lastLog = ContinuousClock.now
                    logger.info(
                        "feed progress",
                        metadata: [
                            "feed.read": "\(snapshot.summary.read)", "feed.bytes": "\(snapshot.summary.bytesRead)",
                            "feed.docs_per_second": "\(Int(snapshot.summary.documentsPerSecond))",
                        ])
                }
            })
        Self.update(feedMetrics, from: summary)
        return summary
    }

    static func update(_ metrics: FeedMetrics, from summary: FeedSummary) {
        metrics.update(
            read: summary.read, produced: summary.produced, duplicates: summary.duplicates,
            deadLettersByReason: summary.deadLettersByReason, bytesRead: summary.bytesRead,
            documentsPerSecond: summary.documentsPerSecond)
    }

    static func describe(_ snapshot: FeedProgress) -> String {
        let summary = snapshot.summary
        var text = String(
            format: "%d docs  %.0f docs/s  %.1f MB/s", summary.read, summary.documentsPerSecond,
            summary.megabytesPerSecond)
        if let total = snapshot.totalBytes, total > 0, summary.bytesRead > 0 {
            let fraction = min(1, Double(summary.bytesRead) / Double(total))
            let remaining = summary.seconds / fraction - summary.seconds
            text += String(format: "  %3.0f%%  ETA %@", fraction * 100, ProgressLine.duration(remaining))
        }
        if summary.deadLettered > 0 { text += "  \(summary.deadLettered) dead-lettered" }
        return text
    }
}
