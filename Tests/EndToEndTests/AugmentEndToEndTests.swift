import Foundation
import JSON
import Kafka
import Pipeline
import Shards
import Testing
import ThinkStreamTesting

/// feed → two augment workers (real engine, SmolLM2) → one is SIGKILLed mid-run and restarted → every input
/// document ends up in exactly one committed shard or one dead letter.
@Suite(.serialized, .tags(.integration))
struct AugmentEndToEndTests {
    /// Short documents from every shared corpus, so the CPU run stays bounded.
    static func mixedSlice(perCorpus: Int) throws -> [(id: String, line: String)] {
        var slice: [(String, String)] = []
        for corpus in [
            "gsm8k_test.jsonl", "math500.jsonl", "web_docs.jsonl", "code_docs.jsonl", "fineweb_edu_excerpts.jsonl",
        ] {
            let text = try String(
                contentsOf: FixturePaths.dataDirectory.appendingPathComponent(corpus), encoding: .utf8)
            let records = try text.split(separator: "\n").map { line in (line, try JSONParser.parse(Array(line.utf8))) }
            let short = records.filter { ($0.1["text"]?.stringValue?.utf8.count ?? .max) < 700 }.prefix(perCorpus)
            slice += short.map { (String($0.1["id"]!.stringValue!), String($0.0)) }
        }
        return slice
    }

    @Test func killedWorkerLosesAndDuplicatesNothing() async throws {
        let slice = try Self.mixedSlice(perCorpus: 3)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("e2e-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let corpus = folder.appendingPathComponent("slice.jsonl")
        try Data(slice.map(\.line).joined(separator: "\n").utf8).write(to: corpus)
        try await withBroker { servers in
            try await run(servers: servers, corpus: corpus.path, ids: Set(slice.map(\.id)))
        }
    }

    private func run(servers: String, corpus: String, ids: Set<String>) async throws {
        let prefix = "e2e"
        let feed = try CommandRunner.run(["feed", "--bootstrap-servers", servers, "--topic-prefix", prefix, corpus])
        #expect(feed.exitCode == 0, "\(feed.standardError)")
        let producer = try KafkaProducer(
            configuration: .init(client: .init(bootstrapServers: servers, profile: .embedded)),
            logger: TestLogging.logger)
        try producer.send(
            topic: "\(prefix).raw", key: Array("broken-record".utf8), value: Array("{not a raw document".utf8))
        try producer.flush(timeout: .seconds(10))
        producer.close()

        func worker(_ name: String) throws -> BackgroundCommand {
            try BackgroundCommand([
                "augment", "--bootstrap-servers", servers, "--topic-prefix", prefix, "--transactional-id",
                "e2e-\(name)",
                "--model", try ModelFixtures.modelPath("SmolLM2-135M-Instruct.Q4_1"),
                "--max-thinking-tokens", "24", "--max-documents-in-flight", "3", "--shard-max-samples", "3",
                "--shard-max-seconds", "5", "--stop-when-idle", "25",
            ])
        }
        let first = try worker("a")
        let second = try worker("b")
        let committed = await first.waitForLine(containing: "shard ", timeout: .seconds(240))
        #expect(committed, "worker a committed no shard: \(first.standardErrorLines.suffix(5))")
        first.kill()
        let restarted = try worker("a")

        let expected = ids.union(["broken-record"])
        let (samples, letterKeys, manifests) = try Self.collect(servers: servers, prefix: prefix, expected: expected)
        _ = await restarted.waitForExit(timeout: .seconds(5))
        _ = await second.waitForExit(timeout: .seconds(5))
        restarted.kill()
        second.kill()

        var bySampleID: [String: ShardSample] = [:]
        for sample in samples { bySampleID[sample.sampleID] = sample }
        let sampledDocuments = Set(bySampleID.values.map(\.documentID))
        #expect(
            sampledDocuments.isDisjoint(with: letterKeys),
            "in both shards and dead letters: \(sampledDocuments.intersection(letterKeys))")
        #expect(
            sampledDocuments.union(letterKeys) == expected,
            "missing: \(expected.subtracting(sampledDocuments.union(letterKeys)))")
        #expect(letterKeys.contains("broken-record"))
        let perDocumentShards = Dictionary(
            grouping: manifests.flatMap { manifest in manifest.samples.map { ($0.documentID, manifest.id) } }, by: \.0
        )
        .mapValues { Set($0.map(\.1)).count }
        #expect(
            perDocumentShards.values.allSatisfy { $0 == 1 },
            "documents in several shards: \(perDocumentShards.filter { $0.value > 1 })")
    }

    /// Committed shards (deduplicated by shard id, validated against the schemas) and dead-letter keys.
    static func collect(servers: String, prefix: String, expected: Set<String>) throws
        -> (samples: [ShardSample], letterKeys: Set<String>, manifests: [(id: String, samples: [ShardSample])])
    {
        let consumer = try KafkaConsumer(
            configuration: .init(
                client: .init(bootstrapServers: servers, profile: .embedded), groupID: "e2e-collector"),
            logger: TestLogging.logger)
        defer { consumer.close() }
        try consumer.subscribe(["\(prefix).shards", "\(prefix).dlq"])
        let manifestValidator = try JSONSchemaValidator(schemaFile: "shard-manifest.v1.json")
        let sampleValidator = try JSONSchemaValidator(schemaFile: "shard-sample.v1.json")
        var shards: [String: [ShardSample]] = [:]
        var letterKeys: Set<String> = []
        let deadline = ContinuousClock.now + .seconds(420)
        while ContinuousClock.now < deadline {
            let accounted = Set(shards.values.flatMap { $0.map(\.documentID) }).union(letterKeys)
            if accounted.isSuperset(of: expected) { break }
            guard case .message(let message)? = try consumer.poll(timeout: .milliseconds(200)) else { continue }
            if message.topic.hasSuffix(".dlq") {
                letterKeys.insert(String(decoding: message.key ?? [], as: UTF8.self))
                continue
            }
            let (manifest, samples) = try ShardCodec.decode(message.value, source: "\(message.topic)@\(message.offset)")
            let lines = try ZstdDecompressor.decompress(message.value, source: "shard").split(separator: 0x0A)
            #expect(manifestValidator.validate(try JSONParser.parse(Array(lines[0]))).isEmpty)
            for line in lines.dropFirst() {
                #expect(sampleValidator.validate(try JSONParser.parse(Array(line))).isEmpty)
            }
            shards[manifest.shardID] = samples
        }
        return (shards.values.flatMap { $0 }, letterKeys, shards.map { ($0.key, $0.value) })
    }
}
