import Foundation
import JSON
import ModelConversion
import GGUF
import Quantization
import Kafka
import Pipeline
import Shards
import Synchronization
import Testing
import ThinkStreamTesting
import Training

@Suite(.serialized, .tags(.integration))
struct TrainServiceTests {
    static func configuration(
        topics: TopicNames, directory: String, maxSteps: Int = 1000, T: Int = 32, B: Int = 4,
        evaluationFile: String? = nil,
        learningRate: Float = 1e-3
    ) -> TrainConfiguration {
        TrainConfiguration(
            topics: topics, groupID: "train-\(UUID().uuidString.prefix(6))", start: .fresh(.tiny, seed: 7),
            contextTokens: T,
            microBatchSize: B,
            schedule: LearningRateSchedule(
                maxLearningRate: learningRate, minLearningRate: learningRate / 10, warmupSteps: 10, totalSteps: maxSteps
            ),
            optimizer: AdamWConfiguration(weightDecay: 0), maxSteps: maxSteps,
            checkpointDirectory: directory + "/checkpoints",
            checkpointEverySteps: 25, evaluationFile: evaluationFile, evaluationEverySteps: 50,
            evaluationMaxDocuments: 16, stopWhenIdle: .milliseconds(1500), stepLogPath: directory + "/steps.log")
    }

    @Test func duplicateShardIsDroppedAndBadShardsAreDeadLetteredWhileTrainingContinues() async throws {
        try await withBroker { servers in
            let topics = TopicNames(prefix: "trn-\(UUID().uuidString.prefix(6).lowercased())")
            let admin = try KafkaAdmin(
                configuration: .init(bootstrapServers: servers, profile: .embedded), logger: TestLogging.logger)
            _ = try TopicSetup.ensureTopics(topics, partitions: 2, admin: admin)
            let documents = try TrainFixtures.documents("fineweb_edu_excerpts.jsonl", count: 24, maxBytes: 300)
            let shards = try TrainFixtures.shards(Array(documents[0..<16]), samplesPerShard: 8)
            let tampered = try TrainFixtures.tamperedShard(Array(documents[16..<20]))
            let foreign = try TrainFixtures.shards(Array(documents[20..<24]), samplesPerShard: 4, tokenizer: "gemma3")[
                0]
            try TrainFixtures.produce(
                servers: servers, topic: topics.shards,
                values: [shards[0].value, shards[0].value, tampered, foreign.value, shards[1].value],
                keys: ["a", "a", "t", "f", "b"])

            let directory = TrainFixtures.temporaryDirectory("train-dedup")
            defer { try? FileManager.default.removeItem(atPath: directory) }
            // Also exercises the non-default paths: document-boundary masking and a thinking-token loss weight.
            var configuration = Self.configuration(topics: topics, directory: directory)
            configuration.documentBoundaryMasking = true
            configuration.thinkingLossWeight = 0.5
            let service = try TrainService(
                configuration: configuration, client: .init(bootstrapServers: servers, profile: .embedded),
                logger: TestLogging.logger)
            let summary = try await service.runOnDedicatedThread(isCancelled: { false })
            #expect(summary.losses.allSatisfy { $0.isFinite && $0 > 0 })

            let trained = TrainFixtures.stepLogIDs(directory + "/steps.log")
            let expected = (shards[0].samples + shards[1].samples).map(\.sampleID)
            #expect(summary.stopReason == .idle)
            #expect(trained.sorted() == expected.sorted(), "each accepted sample trained exactly once")
            #expect(summary.progress.totals.duplicateSamples == 8)
            #expect(summary.progress.totals.shardsAccepted == 3)
            #expect(summary.progress.totals.deadLetters == 2)
            #expect(summary.progress.totals.samplesTrained == 16)
            #expect(summary.progress.totals.samplesByLevel == [.basic: 8, .advanced: 8])

            let letters = try TopicReader.readAll(
                servers: servers, topic: topics.deadLetters, expected: 2, timeout: .seconds(20))
            #expect(letters.count == 2)
            let reasons = letters.compactMap { $0.header("error.code") }.sorted()
            #expect(reasons == ["corrupt_shard", "unknown_tokenizer"])
            let validator = try JSONSchemaValidator(schemaFile: "dead-letter.v1.json")
            for letter in letters {
                #expect(validator.validate(try JSONParser.parse(letter.value)).isEmpty)
            }
            let corrupt = try #require(letters.first { $0.header("error.code") == "corrupt_shard" })
            #expect(corrupt.header("error.message")?.contains("checksum") == true)

            // The CLI exports the run's newest checkpoint; the GGUF loads back through the trainer's start path.
            let export = try CommandRunner.run(
                [
                    "train", "export", "--checkpoint", directory + "/checkpoints", "--gguf", directory + "/out.gguf",
                    "--f16",
                    "--safetensors", directory + "/hf",
                ], timeout: .seconds(60))
            #expect(export.exitCode == 0, "\(export.standardError)")
            let exported = try GGUFFile(path: directory + "/out.gguf")
            #expect(try TrainModelSource.config(of: exported) == .tiny)
            #expect(exported.tensor(named: "blk.0.attn_q.weight")?.type == .f16)
            #expect(FileManager.default.fileExists(atPath: directory + "/hf/model.safetensors"))
        }
    }

    /// On one partition the sample order is fixed, so stopping at step 12 and resuming to step 30 must give the
    /// same weights, bit for bit, and the same step log as running to step 30 at once.
    @Test func stopAndResumeIsBitIdenticalToAnUninterruptedRun() async throws {
        try await withBroker { servers in
            let topics = TopicNames(prefix: "trr-\(UUID().uuidString.prefix(6).lowercased())")
            let admin = try KafkaAdmin(
                configuration: .init(bootstrapServers: servers, profile: .embedded), logger: TestLogging.logger)
            _ = try TopicSetup.ensureTopics(topics, partitions: 1, admin: admin)
            let documents = try TrainFixtures.documents("math_train_sample.jsonl", count: 60, maxBytes: 500)
            let shards = try TrainFixtures.shards(documents, samplesPerShard: 6)
            try TrainFixtures.produce(
                servers: servers, topic: topics.shards, values: shards.map(\.value),
                keys: shards.map(\.manifest.shardID))
            func run(directory: String, maxSteps: Int) async throws -> TrainSummary {
                var configuration = Self.configuration(topics: topics, directory: directory, maxSteps: maxSteps)
                configuration.schedule = LearningRateSchedule(
                    maxLearningRate: 1e-3, minLearningRate: 1e-4, warmupSteps: 5, totalSteps: 30)
                configuration.checkpointEverySteps = 7
                configuration.stopWhenIdle = nil
                let service = try TrainService(
                    configuration: configuration, client: .init(bootstrapServers: servers, profile: .embedded),
                    logger: TestLogging.logger)
                return try await service.runOnDedicatedThread(isCancelled: { false })
            }
            let straight = TrainFixtures.temporaryDirectory("train-straight")
            let resumed = TrainFixtures.temporaryDirectory("train-resumed")
            defer {
                try? FileManager.default.removeItem(atPath: straight)
                try? FileManager.default.removeItem(atPath: resumed)
            }
            let whole = try await run(directory: straight, maxSteps: 30)
            let firstPart = try await run(directory: resumed, maxSteps: 12)
            let secondPart = try await run(directory: resumed, maxSteps: 30)
            #expect(whole.progress.step == 30 && firstPart.progress.step == 12 && secondPart.resumedFromStep == 12)
            #expect(firstPart.losses + secondPart.losses == whole.losses)
            let a = try #require(try CheckpointStore(directory: straight + "/checkpoints").loadNewestValid()).checkpoint
            let b = try #require(try CheckpointStore(directory: resumed + "/checkpoints").loadNewestValid()).checkpoint
            #expect(a.step == 30 && b.step == 30)
            #expect(a.parameters == b.parameters, "weights differ after stop and resume")
            #expect(a.firstMoment == b.firstMoment && a.secondMoment == b.secondMoment)
            #expect(a.consumedOffsets == b.consumedOffsets && a.trainerState == b.trainerState)
            #expect(
                TrainFixtures.stepLogIDs(straight + "/steps.log") == TrainFixtures.stepLogIDs(resumed + "/steps.log"))
        }
    }

    @Test func lossGoesDownOnSharedCorporaAndEvaluationSplitsMathsFromGeneral() async throws {
        try await withBroker { servers in
            let topics = TopicNames(prefix: "trl-\(UUID().uuidString.prefix(6).lowercased())")
            let admin = try KafkaAdmin(
                configuration: .init(bootstrapServers: servers, profile: .embedded), logger: TestLogging.logger)
            _ = try TopicSetup.ensureTopics(topics, partitions: 1, admin: admin)
            let documents =
                try TrainFixtures.documents("fineweb_edu_excerpts.jsonl", count: 120, maxBytes: 800)
                + TrainFixtures.documents("gsm8k_train_sample.jsonl", count: 120, maxBytes: 400)
            var interleaved: [(id: String, text: String)] = []
            for index in 0..<120 { interleaved += [documents[index], documents[120 + index]] }
            let shards = try TrainFixtures.shards(interleaved, samplesPerShard: 20)
            try TrainFixtures.produce(
                servers: servers, topic: topics.shards, values: shards.map(\.value),
                keys: shards.map(\.manifest.shardID))

            let directory = TrainFixtures.temporaryDirectory("train-loss")
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let evaluationFile = directory + "/heldout.jsonl"
            let heldOut =
                try String(
                    contentsOf: FixturePaths.dataDirectory.appendingPathComponent("fineweb_edu_excerpts.jsonl"),
                    encoding: .utf8
                )
                .split(separator: "\n").suffix(8)
                + String(
                    contentsOf: FixturePaths.dataDirectory.appendingPathComponent("gsm8k_test.jsonl"), encoding: .utf8
                )
                .split(separator: "\n").prefix(8)
            try heldOut.joined(separator: "\n").write(toFile: evaluationFile, atomically: true, encoding: .utf8)

            let maxSteps = 250  // the stream holds about 290 steps of 512 tokens
            let configuration = Self.configuration(
                topics: topics, directory: directory, maxSteps: maxSteps, T: 64, B: 8, evaluationFile: evaluationFile,
                learningRate: 3e-3)
            let service = try TrainService(
                configuration: configuration, client: .init(bootstrapServers: servers, profile: .embedded),
                logger: TestLogging.logger)
            let evaluations = EvaluationLog()
            let summary = try await service.runOnDedicatedThread(isCancelled: { false }) { progress in
                if let evaluation = progress.evaluation { evaluations.record(evaluation) }
            }
            #expect(summary.losses.count == maxSteps)
            let first = summary.losses.prefix(10).reduce(0, +) / 10
            let last = summary.losses.suffix(20).reduce(0, +) / 20
            print("loss: first 10 steps \(first), last 20 steps \(last), \(Int(summary.tokensPerSecond)) tok/s")
            #expect(first > 4.5, "starts near ln(256) = 5.55")
            #expect(last < first - 1.5 && last < 3.3, "first \(first), last \(last)")
            #expect(summary.progress.documentLoss != nil && summary.progress.thinkingLoss != nil)
            #expect(
                !summary.progress.lossByLevel.isEmpty
                    && Set(summary.progress.lossByLevel.keys).isSubset(of: [.basic, .advanced]))
            #expect(summary.progress.totals.samplesByLevel.values.allSatisfy { $0 > 50 })
            let results = evaluations.all
            let firstEvaluation = try #require(results.first)
            let lastEvaluation = try #require(results.last)
            print(
                "eval: \(results.map { "step \($0.step) maths \($0.maths?.loss ?? -1) general \($0.general?.loss ?? -1)" })"
            )
            #expect(firstEvaluation.maths?.documents == 8 && firstEvaluation.general?.documents == 8)
            #expect(lastEvaluation.step == maxSteps)
            #expect(lastEvaluation.maths!.loss < 3.1 && lastEvaluation.general!.loss < 3.1)
            #expect(lastEvaluation.maths!.loss < firstEvaluation.maths!.loss - 0.1)
            #expect(lastEvaluation.general!.loss < firstEvaluation.general!.loss - 0.1)
        }
    }
}

final class EvaluationLog: Sendable {
    private let results = Mutex<[TrainEvaluationResult]>([])
    func record(_ result: TrainEvaluationResult) {
        results.withLock { all in
            if all.last?.step != result.step { all.append(result) }
        }
    }
    var all: [TrainEvaluationResult] { results.withLock { $0 } }
}
