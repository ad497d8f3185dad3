import Foundation
import JSON
import Kafka
import Pipeline
import Shards
import Testing
import ThinkStreamTesting

/// feed → `thinkstream serve` (a background process) ← `thinkstream augment --generator-url` → every input document
/// ends up in exactly one committed shard sample or one dead letter, manifests record the remote generator, and
/// serve publishes its metrics events.
@Suite(.serialized, .tags(.integration))
struct ServeAugmentEndToEndTests {
    @Test func augmentAgainstServeAccountsForEveryDocument() async throws {
        let slice = try AugmentEndToEndTests.mixedSlice(perCorpus: 1)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("e2e-serve-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let corpus = folder.appendingPathComponent("slice.jsonl")
        try Data(slice.map(\.line).joined(separator: "\n").utf8).write(to: corpus)
        try await withBroker { servers in
            try await run(servers: servers, corpus: corpus.path, ids: Set(slice.map(\.id)))
        }
    }

    private func run(servers: String, corpus: String, ids: Set<String>) async throws {
        let prefix = "e2e-serve"
        let feed = try CommandRunner.run(["feed", "--bootstrap-servers", servers, "--topic-prefix", prefix, corpus])
        #expect(feed.exitCode == 0, "\(feed.standardError)")
        let serve = try BackgroundCommand([
            "serve", "--port", "0", "--context-tokens", "2048", "--bootstrap-servers", servers, "--topic-prefix",
            prefix,
            "--metrics-interval", "1",
        ])
        defer { serve.kill() }
        let url = try await Self.serverURL(serve)
        let augment = try CommandRunner.run(
            [
                "augment", "--bootstrap-servers", servers, "--topic-prefix", prefix, "--transactional-id", "e2e-serve",
                "--generator-url", url, "--model", try ModelFixtures.modelPath("SmolLM2-135M-Instruct.Q4_1"),
                "--max-thinking-tokens", "24", "--max-documents-in-flight", "3",
                "--shard-max-samples", "4", "--shard-max-seconds", "5", "--stop-when-idle", "10",
            ], timeout: .seconds(420))
        #expect(augment.exitCode == 0, "\(augment.standardError.suffix(2000))")

        let (samples, letterKeys, _) = try AugmentEndToEndTests.collect(servers: servers, prefix: prefix, expected: ids)
        var documentsBySample: [String: String] = [:]
        for sample in samples { documentsBySample[sample.sampleID] = sample.documentID }
        let sampled = Set(documentsBySample.values)
        #expect(sampled.isDisjoint(with: letterKeys), "in both: \(sampled.intersection(letterKeys))")
        #expect(sampled.union(letterKeys) == ids, "missing: \(ids.subtracting(sampled.union(letterKeys)))")
        #expect(!sampled.isEmpty, "no document was augmented: \(augment.standardError.suffix(1000))")
        try Self.checkManifestsNameTheServer(servers: servers, prefix: prefix, url: url)
        try Self.checkServeMetricsEvents(servers: servers, prefix: prefix)
    }

    /// Waits for serve's `serve: http://HOST:PORT/v1 ...` line and returns `http://HOST:PORT`.
    static func serverURL(_ serve: BackgroundCommand) async throws -> String {
        let ready = await serve.waitForLine(containing: "serve: http://", timeout: .seconds(120))
        let line = try #require(
            ready ? serve.standardErrorLines.first { $0.contains("serve: http://") } : nil,
            "serve did not start: \(serve.standardErrorLines.suffix(5))")
        let address = try #require(line.split(separator: " ").first { $0.hasPrefix("http://") })
        return String(address.dropLast("/v1".count))
    }

    static func checkManifestsNameTheServer(servers: String, prefix: String, url: String) throws {
        let shards = try TopicReader.readAll(
            servers: servers, topic: "\(prefix).shards", expected: 1, timeout: .seconds(30))
        #expect(!shards.isEmpty)
        for message in shards {
            let (manifest, _) = try ShardCodec.decode(message.value, source: "\(message.topic)@\(message.offset)")
            #expect(manifest.generator.remote?.url == url)
            #expect(manifest.generator.remote?.model == "SmolLM2-135M-Instruct.Q4_1")
        }
    }

    static func checkServeMetricsEvents(servers: String, prefix: String) throws {
        let validator = try JSONSchemaValidator(schemaFile: "metrics-event.v1.json")
        let records = try TopicReader.readAll(
            servers: servers, topic: "\(prefix).metrics", expected: 200, timeout: .seconds(5))
        let events = try records.map { try JSONParser.parse($0.value) }.filter {
            $0["component"]?.stringValue == "serve"
        }
        #expect(!events.isEmpty, "serve published no metrics event")
        for event in events { #expect(validator.validate(event).isEmpty) }
    }
}
