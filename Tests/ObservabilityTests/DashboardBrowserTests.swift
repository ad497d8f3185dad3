import BrokerLauncher
import Foundation
import JSON
import Kafka
import Observability
import Pipeline
import Testing
import ThinkStreamTesting

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `feed` and synthetic augment/train publishers on an embedded broker, `thinkstream dashboard` over the metrics topic,
/// and Debian's chromium loading the page: the DOM must show the numbers the topic holds.
@Suite(.serialized, .tags(.integration))
struct DashboardBrowserTests {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }
    static let artifacts = FixturePaths.packageRoot.appendingPathComponent(".build/test-artifacts")

    @Test(.enabled(if: DashboardBrowserTests.chromium != nil, "needs Debian's chromium (make deps installs it)"))
    func pageShowsTheNumbersTheMetricsTopicHolds() async throws {
        try await withBroker { servers in
            let topics = TopicNames(prefix: "dash-\(UUID().uuidString.prefix(6).lowercased())")
            let corpus = try Self.writeCorpus()
            defer { try? FileManager.default.removeItem(at: corpus) }
            let feed = try CommandRunner.run(
                [
                    "feed", "--bootstrap-servers", servers, "--topic-prefix", topics.prefix, "--metrics-interval", "1",
                    corpus.path,
                ],
                timeout: .seconds(90))
            #expect(feed.status == 0, "\(feed.stderr)")
            let synthetic = try await SyntheticPipeline.publish(servers: servers, topics: topics)

            let messages = try TopicReader.readAll(
                servers: servers, topic: topics.metrics, expected: 7, settle: .seconds(2))
            let events = try Self.validated(messages)
            let feedFinal = try #require(events.last { $0.component == "feed" && $0.isFinal })
            let documentsIn = feedFinal.counter("thinkstream_feed_documents_in_total")
            #expect(documentsIn == 41)
            #expect(feedFinal.counter("thinkstream_feed_dead_letters_total", labels: ["reason": "malformed_json"]) == 1)
            let augmentLast = try #require(events.last { $0.component == "augment" })
            let lag0 = try #require(
                augmentLast.gauge("thinkstream_augment_consumer_lag_records", labels: ["partition": "0"]))
            let basic = augmentLast.counter("thinkstream_augment_samples_out_total", labels: ["level": "basic"])
            let trainLast = try #require(events.last { $0.component == "train" })
            let loss = try #require(trainLast.gauge("thinkstream_train_loss_document_nats"))

            let port = EmbeddedBroker.freePort()
            let metricsPort = EmbeddedBroker.freePort()
            try FileManager.default.createDirectory(at: Self.artifacts, withIntermediateDirectories: true)
            let dashboard = try CommandRunner.start(
                [
                    "dashboard", "--bootstrap-servers", servers, "--topic-prefix", topics.prefix, "--port", "\(port)",
                    "--from", "beginning", "--metrics-port", "\(metricsPort)",
                ],
                stdout: Self.artifacts.appendingPathComponent("dashboard.stdout"),
                stderr: Self.artifacts.appendingPathComponent("dashboard.stderr"))
            defer { CommandRunner.stop(dashboard) }
            let state = try await Self.waitForState(port: port) { $0.eventsSeen >= Int64(messages.count) }
            #expect(state.eventsSeen == Int64(messages.count))
            #expect(state.feed.documentsIn == documentsIn)

            let (scrape, _) = try await URLSession.shared.data(
                from: URL(string: "http://127.0.0.1:\(metricsPort)/metrics")!)
            let (samples, problems) = PrometheusTextChecker.parse(String(decoding: scrape, as: UTF8.self))
            #expect(problems.isEmpty, "\(problems)")
            let consumed = samples.first { $0.name == "thinkstream_dashboard_events_consumed_total" }
            #expect(consumed?.value == Double(messages.count))

            let stream = try #require(ServerSentEventReader.firstEvent(port: port, path: "/events"))
            #expect(stream.head.lowercased().contains("content-type: text/event-stream"))
            let streamed = try JSONDecoder().decode(DashboardOverview.self, from: Data(stream.data.utf8))
            #expect(streamed.feed.documentsIn == documentsIn)
            #expect(streamed.trainer?.documentLoss == loss)

            let url = "http://127.0.0.1:\(port)/"
            let dom = try Self.runChromium(["--dump-dom", url])
            try dom.write(
                to: Self.artifacts.appendingPathComponent("dashboard.html"), atomically: true, encoding: .utf8)
            #expect(dom.contains(#"id="feed-documents-in">\#(documentsIn)<"#))
            let docsPerSecond = Self.text(ofID: "feed-docs-per-second", in: dom).flatMap(Double.init)
            #expect((docsPerSecond ?? 0) > 0, "documents/s shown: \(String(describing: docsPerSecond))")
            let lagRow = Self.row(#"data-component="augment" data-partition="0""#, in: dom)
            #expect(lagRow?.contains(#"<td class="lag">\#(Int64(lag0))</td>"#) == true, "\(String(describing: lagRow))")
            #expect(Int64(lag0) == synthetic.lagByPartition[0])
            let mixRow = Self.row(#"data-level="basic""#, in: dom)
            #expect(mixRow?.contains(#"<td class="samples">\#(basic)</td>"#) == true, "\(String(describing: mixRow))")
            #expect(basic == synthetic.samplesByLevel["basic"])
            #expect(dom.contains(#"id="loss-document">\#(String(format: "%.4f", loss))<"#))
            #expect(dom.contains(#"id="loss-thinking">\#(String(format: "%.4f", synthetic.thinkingLoss))<"#))
            #expect(dom.contains(#"id="trainer-step">\#(synthetic.steps)<"#))
            #expect(
                Self.row(#"data-component="feed" data-reason="malformed_json""#, in: dom)?.contains(
                    #"<td class="count">1</td>"#) == true)
            try DashboardPageExpectations.expectPageShows(events, in: dom)
            for (reason, count) in synthetic.augmentDeadLetters {
                let published = augmentLast.counter(
                    "thinkstream_augment_dead_letters_total", labels: ["reason": reason])
                #expect(published == count, "\(reason)")
            }
            let trained = synthetic.trainedSamplesByLevel.values.reduce(0, +)
            #expect(Self.text(ofID: "lineage-trained", in: dom) == "\(trained)")
            #expect(Self.text(ofID: "augment-in-flight", in: dom) == "\(synthetic.inFlightDocuments)")
            #expect(Self.text(ofID: "augment-batch-occupancy", in: dom) == "75.0%")
            #expect(dom.contains(synthetic.augmentInstance) && dom.contains(synthetic.trainInstance))
            #expect(dom.contains("<polyline"))

            let screenshot = Self.artifacts.appendingPathComponent("dashboard.png")
            try? FileManager.default.removeItem(at: screenshot)
            _ = try Self.runChromium([
                "--hide-scrollbars", "--window-size=1400,1600", "--screenshot=\(screenshot.path)", url,
            ])
            let size = (try FileManager.default.attributesOfItem(atPath: screenshot.path)[.size] as? Int) ?? 0
            #expect(size > 10_000, "screenshot at \(screenshot.path) has \(size) bytes")
        }
    }

    @Test func topOncePrintsTheOverviewTheTopicHolds() async throws {
        try await withBroker { servers in
            let topics = TopicNames(prefix: "top-\(UUID().uuidString.prefix(6).lowercased())")
            let admin = try KafkaAdmin(
                configuration: .init(bootstrapServers: servers, profile: .embedded), logger: TestLogging.logger)
            try TopicSetup.ensureTopics(topics, partitions: 3, admin: admin)
            let synthetic = try await SyntheticPipeline.publish(servers: servers, topics: topics)
            let result = try CommandRunner.run(
                [
                    "top", "--once", "--bootstrap-servers", servers, "--topic-prefix", topics.prefix, "--from",
                    "beginning",
                ],
                timeout: .seconds(60))
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("thinkstream top — 6 events"), "\(result.stdout)")
            #expect(result.stdout.contains("augment partition 0: \(synthetic.lagByPartition[0]!)"))
            #expect(result.stdout.contains("basic \(synthetic.samplesByLevel["basic"]!) (33%)"))
            #expect(result.stdout.contains("augment/trajectory_rejected 2"), "\(result.stdout)")
            #expect(result.stdout.contains("in flight 3 documents  batch occupancy 75.0%"))
            #expect(result.stdout.contains("lineage     sharded 12  trained 6 samples"))
            #expect(result.stdout.contains("step \(synthetic.steps)  loss document 2.3456  thinking 1.2345"))
            #expect(result.stdout.contains(synthetic.augmentInstance))
            #expect(!result.stdout.contains("\u{1B}["))
        }
    }

    /// 40 documents and one malformed line: 41 records read, 40 produced, 1 dead-lettered (malformed_json).
    static func writeCorpus() throws -> URL {
        var lines = (0..<40).map { #"{"id":"doc-\#($0)","text":"Document number \#($0) about streams."}"# }
        lines.append("{not json")
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "dashboard-corpus-\(UUID().uuidString).jsonl")
        try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    /// Decodes every metrics-topic record and checks it against its schema.
    static func validated(_ messages: [KafkaMessage]) throws -> [MetricsEvent] {
        let metricsSchema = try JSONSchemaValidator(schemaFile: "metrics-event.v1.json")
        let lineageSchema = try JSONSchemaValidator(schemaFile: "lineage-event.v1.json")
        var events: [MetricsEvent] = []
        for message in messages.sorted(by: {
            ($0.timestampMilliseconds ?? 0, $0.offset) < ($1.timestampMilliseconds ?? 0, $1.offset)
        }) {
            let value = try JSONParser.parse(message.value)
            switch message.header("schema") {
            case MetricsEvent.schemaHeader:
                #expect(metricsSchema.validate(value).isEmpty, "\(metricsSchema.validate(value))")
                events.append(try MetricsEvent.decode(message.value))
            case LineageEvent.schemaHeader:
                #expect(lineageSchema.validate(value).isEmpty, "\(lineageSchema.validate(value))")
            default:
                Issue.record(
                    "metrics topic record without a known schema header: \(String(describing: message.header("schema")))"
                )
            }
        }
        return events
    }

    static func waitForState(port: Int, until ready: (DashboardOverview) -> Bool) async throws -> DashboardOverview {
        let url = URL(string: "http://127.0.0.1:\(port)/api/state")!
        let deadline = ContinuousClock.now + .seconds(45)
        var last: DashboardOverview?
        while ContinuousClock.now < deadline {
            if let (data, _) = try? await URLSession.shared.data(from: url),
                let state = try? JSONDecoder().decode(DashboardOverview.self, from: data)
            {
                last = state
                if ready(state) { return state }
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        return try #require(last, "dashboard never answered on port \(port)")
    }

    /// Runs headless chromium on `arguments` and returns its standard output.
    static func runChromium(_ arguments: [String]) throws -> String {
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("chromium-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: profile) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(chromium))
        process.arguments =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--user-data-dir=\(profile.path)",
            ] + arguments
        let output = profile.appendingPathExtension("out")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: output) }
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = ContinuousClock.now + .seconds(90)
        while process.isRunning, ContinuousClock.now < deadline { usleep(50_000) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return try String(contentsOf: output, encoding: .utf8)
    }

    static func text(ofID id: String, in dom: String) -> String? {
        guard let start = dom.range(of: #"id="\#(id)">"#) else { return nil }
        return String(dom[start.upperBound...].prefix { $0 != "<" })
    }

    /// The table row that starts with attributes `marker`, up to its `</tr>`.
    static func row(_ marker: String, in dom: String) -> String? {
        guard let start = dom.range(of: "<tr \(marker)") else { return nil }
        guard let end = dom[start.upperBound...].range(of: "</tr>") else { return nil }
        return String(dom[start.lowerBound..<end.upperBound])
    }
}
