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

/// The observability acceptance run: `thinkstream dashboard` up while `feed` → `augment` (SmolLM2, 16 thinking tokens)
/// → `train` (2 steps) run on an embedded broker. Every metrics-topic record must validate against its schema; each
/// long-running component's `/metrics` must scrape cleanly while it runs; and headless chromium must see on the page
/// the documents/s, lag by partition, difficulty mix (by level name), loss, augment's dead letters by reason (one
/// malformed raw record is produced next to feed's documents), its in-flight documents and batch occupancy, the
/// thinking-length histograms' axes and bin labels, the charts' time axes and lineage's trained-sample count that the
/// metrics topic holds. Output, scrapes, the DOM and a screenshot stay in `.build/test-artifacts/pipeline`.
@Suite(.serialized, .tags(.integration))
struct PipelineAcceptanceTests {
    static let artifacts = FixturePaths.packageRoot.appendingPathComponent(".build/test-artifacts/pipeline")

    struct Ports {
        var dashboard = EmbeddedBroker.freePort()
        var dashboardMetrics = EmbeddedBroker.freePort()
        var augmentMetrics = EmbeddedBroker.freePort()
        var trainMetrics = EmbeddedBroker.freePort()
    }

    @Test(.enabled(if: DashboardBrowserTests.chromium != nil, "needs Debian's chromium (make deps installs it)"))
    func dashboardShowsWhatARealRunPublishes() async throws {
        _ = try ModelFixtures.modelPath("SmolLM2-135M-Instruct.Q4_1")
        try? FileManager.default.removeItem(at: Self.artifacts)
        try FileManager.default.createDirectory(at: Self.artifacts, withIntermediateDirectories: true)
        try await withBroker { servers in try await Self.run(servers: servers) }
    }

    static func run(servers: String) async throws {
        let prefix = "acc-\(UUID().uuidString.prefix(6).lowercased())"
        let common = ["--bootstrap-servers", servers, "--topic-prefix", prefix]
        let ports = Ports()
        let dashboard = try start(
            "dashboard",
            ["dashboard"] + common + [
                "--port", "\(ports.dashboard)", "--from", "beginning", "--metrics-port", "\(ports.dashboardMetrics)",
                "--rate-window", "900",
            ])
        defer { CommandRunner.stop(dashboard) }

        let corpus = try writeCorpus()
        let feed = try CommandRunner.run(
            ["feed"] + common + ["--metrics-interval", "1", corpus.path], timeout: .seconds(90))
        try Data((feed.stdout + feed.stderr).utf8).write(to: artifacts.appendingPathComponent("feed.log"))
        #expect(feed.status == 0, "\(feed.stderr)")
        try produceMalformedRawRecord(servers: servers, topic: "\(prefix).raw")

        try await runAugment(common: common, ports: ports)
        try await runTrain(common: common, ports: ports)

        let dashboardScrape = await ComponentScrape.poll(
            port: ports.dashboardMetrics, timeout: .seconds(20), isRunning: { dashboard.isRunning },
            until: { $0.total("thinkstream_dashboard_events_consumed_total") > 0 })
        check(dashboardScrape, component: "dashboard", counters: ["thinkstream_dashboard_events_consumed_total"])

        let state = try await settledState(port: ports.dashboard)
        let messages = try TopicReader.readAll(
            servers: servers, topic: "\(prefix).metrics", expected: Int(state.eventsSeen), settle: .seconds(1))
        #expect(Int64(messages.count) == state.eventsSeen)
        let events = try DashboardBrowserTests.validated(messages)
        let lines = messages.map { String(decoding: $0.value, as: UTF8.self) }.joined(separator: "\n")
        try Data(lines.utf8).write(to: artifacts.appendingPathComponent("metrics-topic.jsonl"))
        #expect(Set(events.map(\.instanceID)).count == 3, "one feed, one augment and one train instance")
        try checkPage(port: ports.dashboard, state: state, events: events)
    }

    /// Four short documents from the shared corpora: arithmetic word problems, a web page and a maths problem.
    static func writeCorpus() throws -> URL {
        var lines: [String] = []
        for (corpus, count) in [("gsm8k_test.jsonl", 2), ("web_docs.jsonl", 1), ("math500.jsonl", 1)] {
            let text = try String(
                contentsOf: FixturePaths.dataDirectory.appendingPathComponent(corpus), encoding: .utf8)
            let short = try text.split(separator: "\n").filter { line in
                (try JSONParser.parse(Array(line.utf8))["text"]?.stringValue?.utf8.count ?? .max) < 400
            }
            lines += short.prefix(count).map(String.init)
        }
        let url = artifacts.appendingPathComponent("corpus.jsonl")
        try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    /// One record that is not a raw document, for augment to refuse as `malformed_record`.
    static func produceMalformedRawRecord(servers: String, topic: String) throws {
        let producer = try KafkaProducer(
            configuration: .init(client: .init(bootstrapServers: servers, profile: .embedded)),
            logger: TestLogging.logger)
        defer { producer.close() }
        try producer.send(topic: topic, key: Array("malformed".utf8), value: Array("{not a raw document".utf8))
        try producer.flush(timeout: .seconds(20))
    }

    static func start(_ name: String, _ arguments: [String]) throws -> Process {
        try CommandRunner.start(
            arguments, stdout: artifacts.appendingPathComponent("\(name).stdout"),
            stderr: artifacts.appendingPathComponent("\(name).stderr"))
    }

    /// One augment worker, scraped while it works, until it has been idle for 3 s.
    static func runAugment(common: [String], ports: Ports) async throws {
        let augment = try start(
            "augment",
            ["augment"] + common + [
                "--transactional-id", "acceptance-augment", "--model",
                try ModelFixtures.modelPath("SmolLM2-135M-Instruct.Q4_1"),
                "--max-thinking-tokens", "16", "--max-documents-in-flight",
                "2",
                "--shard-max-samples", "1", "--stop-when-idle", "3", "--metrics-interval", "1",
                "--metrics-port", "\(ports.augmentMetrics)",
            ])
        defer { CommandRunner.stop(augment) }
        let scrape = await ComponentScrape.poll(
            port: ports.augmentMetrics, timeout: .seconds(240), isRunning: { augment.isRunning },
            until: { $0.total("thinkstream_augment_documents_in_total") > 0 })
        check(
            scrape, component: "augment",
            counters: [
                "thinkstream_augment_documents_in_total", "thinkstream_augment_samples_out_total",
                "thinkstream_augment_tokens_generated_total",
            ])
        #expect(scrape?.samples.contains { $0.name == "thinkstream_augment_consumer_lag_records" } == true)
        #expect(
            await waitForExit(augment, timeout: .seconds(240)) == 0, "augment: see \(artifacts.path)/augment.stderr")
    }

    /// Two optimizer steps of SmolLM2 on the shards, scraped while it trains.
    static func runTrain(common: [String], ports: Ports) async throws {
        let checkpoints = artifacts.appendingPathComponent("checkpoints")
        defer { try? FileManager.default.removeItem(at: checkpoints) }
        let train = try start(
            "train",
            ["train"] + common + [
                "--checkpoint-dir", checkpoints.path, "--max-steps", "2", "--context", "64", "--micro-batch", "1",
                "--checkpoint-every", "2", "--keep-last", "1", "--stop-when-idle", "3", "--metrics-interval", "1",
                "--metrics-port", "\(ports.trainMetrics)",
            ])
        defer { CommandRunner.stop(train) }
        let scrape = await ComponentScrape.poll(
            port: ports.trainMetrics, timeout: .seconds(240), isRunning: { train.isRunning },
            until: { $0.total("thinkstream_train_steps_total") > 0 })
        check(
            scrape, component: "train",
            counters: [
                "thinkstream_train_steps_total", "thinkstream_train_tokens_trained_total",
            ])
        #expect(await waitForExit(train, timeout: .seconds(240)) == 0, "train: see \(artifacts.path)/train.stdout")
    }

    /// Records the scrape and expects a clean exposition, house-style names and non-zero `counters`.
    static func check(_ scrape: ComponentScrape?, component: String, counters: [String]) {
        guard let scrape else {
            Issue.record("\(component): /metrics never answered")
            return
        }
        try? Data(scrape.text.utf8).write(to: artifacts.appendingPathComponent("\(component).metrics.txt"))
        #expect(scrape.problems.isEmpty, "\(component): \(scrape.problems)")
        #expect(
            scrape.nameProblems(component: component).isEmpty,
            "\(component): \(scrape.nameProblems(component: component))")
        for counter in counters { #expect(scrape.total(counter) > 0, "\(component): \(counter) is 0 while running") }
    }

    static func waitForExit(_ process: Process, timeout: Duration) async -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(100)) }
        CommandRunner.stop(process)
        return process.terminationStatus
    }

    /// The dashboard's overview once feed, augment and train all sent their final events.
    static func settledState(port: Int) async throws -> DashboardOverview {
        let state = try await DashboardBrowserTests.waitForState(port: port) { state in
            let exited = Set(state.workers.filter { $0.status == "exited" }.map(\.component))
            return exited.isSuperset(of: ["feed", "augment", "train"])
        }
        #expect(Set(state.workers.map(\.component)) == ["feed", "augment", "train"], "\(state.workers)")
        return state
    }
}
