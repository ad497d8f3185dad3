import Foundation
import Kafka
import Pipeline
import Shards
import Testing
import ThinkStreamTesting

/// Kills `thinkstream train` with SIGKILL three times at random points of a run on a fixed shard stream and checks
/// that the multiset of trained sample ids (the step log, whose lines of redone steps are dropped on resume) equals
/// that of an uninterrupted run. Model: fresh `tiny` (vocab 256) on byte-token shards (see `TrainFixtures`).
@Suite(.serialized, .tags(.integration))
struct TrainCrashTests {
    static func arguments(servers: String, prefix: String, group: String, directory: String) -> [String] {
        [
            "train", "--bootstrap-servers", servers, "--topic-prefix", prefix, "--fresh", "tiny", "--seed", "7",
            "--max-steps", "100000", "--checkpoint-dir", directory + "/checkpoints", "--context", "64", "--micro-batch",
            "8",
            "--checkpoint-every", "5", "--stop-when-idle", "2", "--step-log", directory + "/steps.log", "--log-every",
            "1000",
            "--group-id", group, "--learning-rate", "1e-3", "--warmup-steps", "10", "--partitions", "3",
        ]
    }

    static func lastLoggedStep(_ path: String) -> Int {
        guard let data = FileManager.default.contents(atPath: path) else { return -1 }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
        // The last line may be half-written while the trainer appends it; use the last complete one.
        return lines.reversed().lazy.compactMap { line -> Int? in
            let fields = line.split(separator: " ")
            return fields.count > 1 ? Int(fields[1]) : nil
        }.first ?? -1
    }

    static func launch(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = FixturePaths.thinkstreamExecutable
        process.environment = FixturePaths.childEnvironment()
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    @Test func sigkillThreeTimesTrainsTheSameSamplesAsAnUninterruptedRun() async throws {
        try await withBroker { servers in
            let prefix = "trc-\(UUID().uuidString.prefix(6).lowercased())"
            let topics = TopicNames(prefix: prefix)
            let admin = try KafkaAdmin(
                configuration: .init(bootstrapServers: servers, profile: .embedded), logger: TestLogging.logger)
            _ = try TopicSetup.ensureTopics(topics, partitions: 3, admin: admin)
            let documents =
                try TrainFixtures.documents("fineweb_edu_excerpts.jsonl", count: 100, maxBytes: 700)
                + TrainFixtures.documents("math_train_sample.jsonl", count: 100, maxBytes: 500)
            let shards = try TrainFixtures.shards(documents, samplesPerShard: 10)
            // The stream repeats one shard, as a failed transaction commit can on the embedded broker.
            let values = shards.map(\.value) + [shards[3].value]
            try TrainFixtures.produce(
                servers: servers, topic: topics.shards, values: values,
                keys: shards.map(\.manifest.shardID) + [shards[3].manifest.shardID])
            let allIDs = shards.flatMap(\.samples).map(\.sampleID)

            let reference = TrainFixtures.temporaryDirectory("train-reference")
            let crashed = TrainFixtures.temporaryDirectory("train-crashed")
            defer {
                try? FileManager.default.removeItem(atPath: reference)
                try? FileManager.default.removeItem(atPath: crashed)
            }
            let uninterrupted = try CommandRunner.run(
                Self.arguments(servers: servers, prefix: prefix, group: "reference", directory: reference),
                timeout: .seconds(120))
            #expect(uninterrupted.exitCode == 0, "\(uninterrupted.standardError)")
            let referenceIDs = TrainFixtures.stepLogIDs(reference + "/steps.log")
            let referenceSteps = Self.lastLoggedStep(reference + "/steps.log") + 1

            var random = SystemRandomNumberGenerator()
            var killedAt: [Int] = []
            let arguments = Self.arguments(servers: servers, prefix: prefix, group: "crashed", directory: crashed)
            for _ in 0..<3 {
                let before = Self.lastLoggedStep(crashed + "/steps.log")
                let extraSteps = Int.random(in: 3...max(4, referenceSteps / 5), using: &random)
                let process = try Self.launch(arguments)
                let deadline = ContinuousClock.now + .seconds(30)
                while process.isRunning, Self.lastLoggedStep(crashed + "/steps.log") < before + extraSteps,
                    ContinuousClock.now < deadline
                {
                    try await Task.sleep(for: .milliseconds(Int.random(in: 1...15, using: &random)))
                }
                #expect(process.isRunning, "the run ended before its kill; make the stream longer")
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                killedAt.append(Self.lastLoggedStep(crashed + "/steps.log"))
            }
            let final = try CommandRunner.run(arguments, timeout: .seconds(120))
            #expect(final.exitCode == 0, "\(final.standardError)")
            let crashedIDs = TrainFixtures.stepLogIDs(crashed + "/steps.log")
            print(
                "crash test: \(allIDs.count) samples, reference \(referenceIDs.count) ids in \(referenceSteps) steps; killed after logged steps \(killedAt); final run: \(final.standardOutput.split(separator: "\n").last ?? "")"
            )

            #expect(killedAt.allSatisfy { $0 < referenceSteps - 1 })
            #expect(referenceIDs.count == allIDs.count)
            #expect(Set(referenceIDs) == Set(allIDs))
            #expect(
                crashedIDs.sorted() == referenceIDs.sorted(), "the multiset of trained sample ids differs after kill -9"
            )
            #expect(Self.lastLoggedStep(crashed + "/steps.log") + 1 == referenceSteps)
        }
    }
}
