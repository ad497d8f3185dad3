import Foundation
import ModelConversion
import Kafka
import Pipeline
import Shards
import Testing
import ThinkStreamTesting

/// Shards written in SmolLM2's tokenizer (as `augment` with a SmolLM2 generator writes them) against a fresh `tiny`
/// byte-level trainer: refused without `--retokenize`, each sample trained once with it.
@Suite(.serialized, .tags(.integration))
struct TrainRetokenizeTests {
    /// Shards of `samplesPerShard` `SampleComposer` samples in `tokenizer`, the manifest naming it.
    static func shards(
        _ documents: [(id: String, text: String)], samplesPerShard: Int, tokenizer: TrainTokenizer
    ) throws -> [(manifest: ShardManifest, value: [UInt8], samples: [ShardSample])] {
        var result: [(manifest: ShardManifest, value: [UInt8], samples: [ShardSample])] = []
        for (shardIndex, first) in stride(from: 0, to: documents.count, by: samplesPerShard).enumerated() {
            var builder = ShardBuilder(limits: .init(maxSamples: samplesPerShard))
            for (index, document) in documents[first..<min(documents.count, first + samplesPerShard)].enumerated() {
                let thinking =
                    "The key point: " + (document.text.split(separator: ".").first.map { String($0.prefix(80)) } ?? "")
                var sample = SampleRetokenizerTests.composedSample(
                    id: document.id, document: document.text, thinking: thinking, tokenizer: tokenizer)
                sample.source.offset = Int64(first + index)
                sample.level = (first + index) % 2 == 0 ? .basic : .advanced
                builder.add(sample)
                builder.cover(topic: "test.raw", partition: 0, offset: sample.source.offset)
            }
            let (manifest, value) = try builder.build(
                generator: TrainFixtures.generator, tokenizer: tokenizer.names[0],
                createdAt: Date(timeIntervalSince1970: Double(shardIndex)))
            result.append((manifest, value, builder.samples))
        }
        return result
    }

    @Test func foreignTokenizerShardsAreRefusedWithoutRetokenizeAndTrainedOnceWithIt() async throws {
        let smol = try SampleRetokenizerTests.smolLM2()
        try await withBroker { servers in
            let prefix = "trt-\(UUID().uuidString.prefix(6).lowercased())"
            let topics = TopicNames(prefix: prefix)
            let admin = try KafkaAdmin(
                configuration: .init(bootstrapServers: servers, profile: .embedded), logger: TestLogging.logger)
            _ = try TopicSetup.ensureTopics(topics, partitions: 2, admin: admin)
            let documents = try TrainFixtures.documents("fineweb_edu_excerpts.jsonl", count: 12, maxBytes: 300)
            let shards = try Self.shards(documents, samplesPerShard: 4, tokenizer: smol)
            let samples = shards.flatMap(\.samples)
            #expect(shards.allSatisfy { $0.manifest.tokenizer == smol.names[0] } && smol.names[0] != "bytes")
            #expect(
                samples.contains { $0.tokenIDs.contains { $0 >= 256 } }, "SmolLM2 ids do not fit the tiny vocabulary")
            try TrainFixtures.produce(
                servers: servers, topic: topics.shards, values: shards.map(\.value),
                keys: shards.map(\.manifest.shardID))

            // Without --retokenize: every shard is dead-lettered as unknown_tokenizer, nothing is trained.
            let refused = TrainFixtures.temporaryDirectory("train-refused")
            defer { try? FileManager.default.removeItem(atPath: refused) }
            let service = try TrainService(
                configuration: TrainServiceTests.configuration(topics: topics, directory: refused),
                client: .init(bootstrapServers: servers, profile: .embedded), logger: TestLogging.logger)
            let summary = try await service.runOnDedicatedThread(isCancelled: { false })
            #expect(summary.progress.totals.deadLetters == 3)
            #expect(summary.progress.totals.deadLettersByReason == ["unknown_tokenizer": 3])
            #expect(summary.progress.totals.shardsAccepted == 0 && summary.progress.totals.samplesTrained == 0)
            #expect(summary.losses.isEmpty && TrainFixtures.stepLogIDs(refused + "/steps.log").isEmpty)
            let letters = try TopicReader.readAll(
                servers: servers, topic: topics.deadLetters, expected: 3, timeout: .seconds(20))
            #expect(letters.compactMap { $0.header("error.code") } == Array(repeating: "unknown_tokenizer", count: 3))

            // With --retokenize (through the CLI): each sample once, in byte tokens, with finite losses.
            let accepted = TrainFixtures.temporaryDirectory("train-retokenized")
            defer { try? FileManager.default.removeItem(atPath: accepted) }
            let result = try CommandRunner.run(
                [
                    "train", "--bootstrap-servers", servers, "--topic-prefix", prefix, "--fresh", "tiny", "--seed", "7",
                    "--retokenize", "--checkpoint-dir", accepted + "/checkpoints", "--context", "32", "--micro-batch",
                    "4",
                    "--stop-when-idle", "1.5", "--step-log", accepted + "/steps.log", "--group-id", "train-\(prefix)",
                    "--learning-rate", "1e-3", "--warmup-steps", "10", "--thinking-loss-weight", "0.5",
                    "--document-boundary-masking", "--partitions", "2",
                ], timeout: .seconds(180))
            #expect(result.exitCode == 0, "\(result.standardError)")
            let trained = TrainFixtures.stepLogIDs(accepted + "/steps.log")
            #expect(trained.sorted() == samples.map(\.sampleID).sorted(), "each sample trained exactly once")
            // Byte tokens: every text byte and each sample's closing EOS is a target once.
            let tokens = samples.reduce(0) { $0 + $1.text.utf8.count + 1 }
            let summaryLine = try #require(
                result.standardOutput.split(separator: "\n").last { $0.hasPrefix("trained steps") })
            print("retokenized run: \(summaryLine)")
            #expect(
                summaryLine.contains("tokens \(tokens), samples 12, duplicates 0, dead-lettered 0"), "\(summaryLine)")
            let losses = result.standardOutput.split(separator: "\n").filter { $0.hasPrefix("step ") }.compactMap {
                line in
                line.split(separator: " ").firstIndex(of: "loss").flatMap { Float(line.split(separator: " ")[$0 + 1]) }
            }
            #expect(!losses.isEmpty && losses.allSatisfy { $0.isFinite && $0 > 0 }, "\(losses)")
            let lines = result.standardOutput.split(separator: "\n").filter { $0.hasPrefix("step ") }
            #expect(
                lines.contains { $0.contains(" doc ") } && lines.contains { $0.contains(" think ") },
                "spans give both kinds")
        }
    }
}
