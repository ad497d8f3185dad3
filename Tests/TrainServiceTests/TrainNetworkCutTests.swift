import Foundation
import Kafka
import Pipeline
import Shards
import Testing
import ThinkStreamTesting

/// Item 4 of the production issue, for the trainer: `thinkstream train` reaches the broker only through a
/// `TCPCutProxy` (the broker advertises the proxy's port). Half the shards are on the topic when it starts; once it
/// has trained a step the network is cut for 30 s, then healed, and the other half is produced: the same process
/// must go on consuming and train every sample exactly once (counted raw in its step log). Model: fresh `tiny` on
/// byte-token shards (see `TrainFixtures`).
@Suite(.serialized, .tags(.integration))
struct TrainNetworkCutTests {
    @Test func trainingGoesOnConsumingAfterACutAndTrainsEverySampleOnce() async throws {
        try await withProxiedBroker { proxy, _, servers in
            let prefix = "cut-train-\(UUID().uuidString.prefix(6).lowercased())"
            let topics = TopicNames(prefix: prefix)
            let admin = try KafkaAdmin(
                configuration: .init(bootstrapServers: servers, profile: .embedded), logger: TestLogging.logger)
            _ = try TopicSetup.ensureTopics(topics, partitions: 3, admin: admin)
            let documents =
                try TrainFixtures.documents("fineweb_edu_excerpts.jsonl", count: 60, maxBytes: 600)
                + TrainFixtures.documents("math_train_sample.jsonl", count: 60, maxBytes: 400)
            let shards = try TrainFixtures.shards(documents, samplesPerShard: 10)
            let half = shards.count / 2
            let allIDs = shards.flatMap(\.samples).map(\.sampleID)
            try TrainFixtures.produce(
                servers: servers, topic: topics.shards, values: shards[..<half].map(\.value),
                keys: shards[..<half].map(\.manifest.shardID))

            let directory = TrainFixtures.temporaryDirectory("train-cut")
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let stepLog = directory + "/steps.log"
            let train = try BackgroundCommand([
                "train", "--bootstrap-servers", servers, "--topic-prefix", prefix, "--fresh", "tiny", "--seed", "7",
                "--max-steps", "100000", "--checkpoint-dir", directory + "/checkpoints", "--context", "64",
                "--micro-batch", "8",
                "--checkpoint-every", "5", "--stop-when-idle", "60", "--step-log", stepLog, "--log-every", "1000",
                "--group-id", "cut-train", "--partitions", "3",
            ])
            defer { train.kill() }
            let deadline = ContinuousClock.now + .seconds(60)
            while TrainCrashTests.lastLoggedStep(stepLog) < 0, train.isRunning, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
            }
            try #require(
                TrainCrashTests.lastLoggedStep(stepLog) >= 0,
                "train logged no step: \(train.standardErrorLines.suffix(5))")
            let linesBeforeCut = train.standardErrorLines.count
            await proxy.cut(.refuse, for: networkCutDuration)
            let duringCut = Array(train.standardErrorLines.dropFirst(linesBeforeCut))
            #expect(train.isRunning, "train stopped during the cut: \(train.standardErrorLines.suffix(5))")
            let trainedBeforeSecondHalf = TrainFixtures.stepLogIDs(stepLog).count
            try TrainFixtures.produce(
                servers: servers, topic: topics.shards, values: shards[half...].map(\.value),
                keys: shards[half...].map(\.manifest.shardID))
            let exitCode = await train.waitForExit(timeout: .seconds(180))
            let trained = TrainFixtures.stepLogIDs(stepLog)
            print(
                "train through a \(networkCutDuration) cut: exit \(exitCode); \(trainedBeforeSecondHalf) samples trained before the second half, \(trained.count) of \(allIDs.count) at the end; proxy \(proxy.statistics)"
            )

            #expect(exitCode == 0, "\(train.standardErrorLines.suffix(5))")
            #expect(proxy.statistics.resetByCut > 0, "the cut met no live connection")
            #expect(
                duringCut.contains { $0.contains(servers) && $0.contains("warning") },
                "no warning naming \(servers) while cut: \(duringCut.suffix(5))")
            #expect(trainedBeforeSecondHalf < allIDs.count)
            #expect(Set(trained) == Set(allIDs), "not trained: \(Set(allIDs).subtracting(trained).count) samples")
            #expect(
                trained.count == allIDs.count,
                "trained \(trained.count) times for \(allIDs.count) samples (counted raw)")
        }
    }
}
