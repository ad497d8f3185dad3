import Foundation
import Kafka
import Pipeline
import Shards
import Testing
import ThinkStreamTesting

/// Item 5 of the production issue: augment (real engine, SmolLM2) SIGKILLs itself at each named point of a shard's
/// transaction (`THINKSTREAM_TEST_CRASH_AT`), a fresh worker with the same transactional id finishes the topic, and
/// the collector counts raw committed records, before any de-duplication: every document exactly once, in a shard
/// or as a dead letter.
///
/// One window is not exactly once here, and the test pins down what it gives instead: a kill at `before-commit`
/// (records and end markers flushed, commit not yet asked for). The embedded tansu broker ignores aborts, so a
/// read_committed consumer there still receives the aborted transaction's records, and their end markers release them
/// from the `TransactionMarkerFilter`; the redone transaction then delivers the same documents again. They carry the
/// same sample ids (derived from document, template and trajectory index), which the trainer's duplicate filter keys
/// on, so it trains each once; their text may differ, because the redone batch groups documents differently and
/// batched arithmetic can change which token is sampled. On Apache Kafka the broker hides
/// the aborted transaction from read_committed consumers, so none arrive. The three other points are exactly once
/// even on tansu, which also shows it applies transactional offsets only at commit (`after-offsets-sent` loses nothing).
@Suite(.serialized, .tags(.integration))
struct TargetedKillTests {
    @Test(arguments: CrashHook.Point.allCases)
    func aKillAtEachTransactionPointLosesNothingAndDuplicatesOnlyWhereTheBrokerIgnoresAborts(_ point: CrashHook.Point)
        async throws
    {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "kill-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let ids = (0..<6).map { "k\($0)" }
        let corpus = folder.appendingPathComponent("corpus.jsonl")
        try Data(
            ids.enumerated().map { index, id in
                #"{"id": "\#(id)", "text": "Sam has \#(index + 2) pencils and buys \#(index + 3) more. How many pencils does Sam have?"}"#
            }.joined(separator: "\n").utf8
        ).write(to: corpus)
        try await withBroker { servers in
            let prefix = "kill-\(point.rawValue)"
            let common = ["--bootstrap-servers", servers, "--topic-prefix", prefix]
            let feed = try CommandRunner.run(["feed"] + common + [corpus.path])
            #expect(feed.exitCode == 0, "\(feed.standardError)")
            let augment =
                ["augment"] + common + [
                    "--model", try ModelFixtures.modelPath("SmolLM2-135M-Instruct.Q4_1"), "--upsampling", "natural",
                    "--max-thinking-tokens", "8", "--shard-max-samples", "2", "--max-documents-in-flight", "2",
                    "--transactional-id", "kill-worker",
                ]
            let crashing = try BackgroundCommand(
                augment + ["--stop-when-idle", "30"], environment: ["THINKSTREAM_TEST_CRASH_AT": point.rawValue])
            _ = await crashing.waitForExit(timeout: .seconds(180))
            #expect(
                crashing.standardErrorLines.contains { $0.contains("crash hook: SIGKILL at \(point.rawValue)") },
                "\(point.rawValue) was never reached: \(crashing.standardErrorLines.suffix(5))")
            let restarted = try BackgroundCommand(augment + ["--stop-when-idle", "6"])
            #expect(
                await restarted.waitForExit(timeout: .seconds(180)) == 0, "\(restarted.standardErrorLines.suffix(5))")

            let client = KafkaClientConfiguration(bootstrapServers: servers, profile: .embedded)
            var seen: [String: Int] = [:]
            var copies: [String: Set<String>] = [:]
            for record in try CommittedTopicReader.readAll(
                topic: "\(prefix).shards", schema: .shard, client: client, logger: TestLogging.logger
            ).records {
                for sample in try ShardCodec.decode(record.value, source: "shard").samples {
                    seen[sample.documentID, default: 0] += 1
                    copies[sample.documentID, default: []].insert(sample.sampleID)
                }
            }
            for record in try CommittedTopicReader.readAll(
                topic: "\(prefix).dlq", schema: .deadLetter, client: client, logger: TestLogging.logger
            ).records {
                seen[try RawDocument.decode(try DeadLetter.decode(record.value).raw).id, default: 0] += 1
            }
            #expect(seen.keys.sorted() == ids, "\(point.rawValue): documents accounted for: \(seen.keys.sorted())")
            let repeated = seen.filter { $0.value != 1 }
            if point == .beforeCommit {
                #expect(repeated.values.allSatisfy { $0 == 2 }, "before-commit: \(repeated)")
                #expect(
                    copies.values.allSatisfy { $0.count == 1 },
                    "before-commit: a repeated document has a new sample id, so the trainer would train it twice")
            } else {
                #expect(repeated.isEmpty, "\(point.rawValue): counted raw more than once: \(repeated)")
            }
        }
    }
}
