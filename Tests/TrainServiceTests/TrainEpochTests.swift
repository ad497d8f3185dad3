import Foundation
import ModelConversion
import Kafka
import Pipeline
import Shards
import Testing
import ThinkStreamTesting

/// `train --document-only` (the vanilla arm: document spans only, one sample per document per epoch) and
/// `train --epochs N` (the topic replayed N times, dedup per epoch, exact resume inside an epoch).
@Suite(.serialized, .tags(.integration))
struct TrainEpochTests {
    @Test func documentOnlyKeepsTheDocumentSpanTokens() throws {
        let document = "Half of 48 is 24, so 48 + 24 = 72 clips — naïve ∑ check."
        let sample = TrainFixtures.sample(id: "doc-1", text: document, level: .basic, offset: 0)
        let cut = try sample.documentOnly()
        #expect(cut.tokenIDs == document.utf8.map(Int.init))
        #expect(cut.text == document)
        #expect(
            cut.documentSpan
                == .init(byteStart: 0, byteEnd: document.utf8.count, tokenStart: 0, tokenEnd: document.utf8.count))
        #expect(cut.thinkingSpan.tokenStart == cut.thinkingSpan.tokenEnd)
        #expect(cut.sampleID == sample.sampleID && cut.documentID == sample.documentID && cut.level == sample.level)

        // With --retokenize the ids are recomputed first; the document part is tokenized on its own.
        var foreign = sample
        foreign.tokenIDs = Array(repeating: 9, count: 5)
        foreign.documentSpan.tokenEnd = 2
        foreign.thinkingSpan.tokenStart = 3
        foreign.thinkingSpan.tokenEnd = 4
        let retokenized = try SampleRetokenizer(tokenizer: TrainModelSource.byteTokenizer()).retokenize(foreign)
            .documentOnly()
        #expect(retokenized.tokenIDs == document.utf8.map(Int.init))

        var broken = sample
        broken.documentSpan.tokenEnd = sample.tokenIDs.count + 1
        #expect(throws: PipelineError.self) { try broken.documentOnly() }
    }

    /// Shards of `documents` (one sample each) plus a shard of second trajectories of the first `repeated` documents.
    static func shardsWithSecondTrajectories(_ documents: [(id: String, text: String)], repeated: Int) throws
        -> [[UInt8]]
    {
        let first = try TrainFixtures.shards(documents, samplesPerShard: 3)
        var builder = ShardBuilder(limits: .init(maxSamples: repeated))
        for (index, document) in documents.prefix(repeated).enumerated() {
            var sample = TrainFixtures.sample(
                id: document.id, text: document.text, level: .basic, offset: Int64(index))
            sample.sampleID = "1" + sample.sampleID.dropFirst()
            sample.trajectoryIndex = 1
            builder.add(sample)
            builder.cover(topic: "test.raw", partition: 0, offset: Int64(index))
        }
        let second = try builder.build(
            generator: TrainFixtures.generator, tokenizer: "bytes", createdAt: Date(timeIntervalSince1970: 99))
        return first.map(\.value) + [second.value]
    }

    @Test func documentOnlyEpochsTrainEachDocumentOncePerEpoch() async throws {
        try await withBroker { servers in
            let topics = TopicNames(prefix: "tep-\(UUID().uuidString.prefix(6).lowercased())")
            let admin = try KafkaAdmin(
                configuration: .init(bootstrapServers: servers, profile: .embedded), logger: TestLogging.logger)
            _ = try TopicSetup.ensureTopics(topics, partitions: 2, admin: admin)
            let documents = try TrainFixtures.documents("gsm8k_train_sample.jsonl", count: 9, maxBytes: 200)
            let values = try Self.shardsWithSecondTrajectories(documents, repeated: 3)
            try TrainFixtures.produce(
                servers: servers, topic: topics.shards, values: values, keys: values.indices.map { "k\($0)" })

            let directory = TrainFixtures.temporaryDirectory("train-epochs")
            defer { try? FileManager.default.removeItem(atPath: directory) }
            var configuration = TrainServiceTests.configuration(topics: topics, directory: directory)
            configuration.documentOnly = true
            configuration.epochs = 3
            let service = try TrainService(
                configuration: configuration, client: .init(bootstrapServers: servers, profile: .embedded),
                logger: TestLogging.logger)
            let summary = try await service.runOnDedicatedThread(isCancelled: { false })

            let documentOf = Dictionary(
                uniqueKeysWithValues: documents.flatMap { document -> [(String, String)] in
                    let id = TrainFixtures.sample(id: document.id, text: "", level: .none, offset: 0).sampleID
                    return [(id, document.id), ("1" + id.dropFirst(), document.id)]
                })
            let trained = TrainFixtures.stepLogIDs(directory + "/steps.log").map { documentOf[$0] ?? "unknown \($0)" }
            #expect(summary.stopReason == .idle)
            #expect(summary.progress.epoch == 2)
            #expect(
                Dictionary(trained.map { ($0, 1) }, uniquingKeysWith: +)
                    == Dictionary(uniqueKeysWithValues: documents.map { ($0.id, 3) }))
            #expect(summary.progress.totals.duplicateSamples == 3 * 3, "second trajectories dropped in every epoch")
            // Every packed target is a document byte or a closing EOS: no thinking or separator tokens.
            let documentTokens = documents.reduce(0) { $0 + $1.text.utf8.count + 1 }
            #expect(summary.progress.totals.tokensTrained == 3 * documentTokens)
            #expect(summary.losses.allSatisfy { $0.isFinite && $0 > 0 })
        }
    }

    /// A one-partition shards topic of 12 MATH documents in shards of 4, on the broker at `servers`.
    static func replayedTopic(servers: String, prefix: String) throws -> (
        topics: TopicNames, shards: [(manifest: ShardManifest, value: [UInt8], samples: [ShardSample])]
    ) {
        let topics = TopicNames(prefix: "\(prefix)-\(UUID().uuidString.prefix(6).lowercased())")
        let admin = try KafkaAdmin(
            configuration: .init(bootstrapServers: servers, profile: .embedded), logger: TestLogging.logger)
        _ = try TopicSetup.ensureTopics(topics, partitions: 1, admin: admin)
        let documents = try TrainFixtures.documents("math_train_sample.jsonl", count: 12, maxBytes: 240)
        let shards = try TrainFixtures.shards(documents, samplesPerShard: 4)
        try TrainFixtures.produce(
            servers: servers, topic: topics.shards, values: shards.map(\.value), keys: shards.map(\.manifest.shardID))
        return (topics, shards)
    }

    /// Two passes over `topics` into `directory/name` (its own group and checkpoints), up to `maxSteps`.
    static func trainTwoEpochs(
        servers: String, topics: TopicNames, directory: String, name: String, maxSteps: Int, shuffle: Int = 0
    ) async throws -> TrainSummary {
        try FileManager.default.createDirectory(atPath: directory + "/" + name, withIntermediateDirectories: true)
        var configuration = TrainServiceTests.configuration(
            topics: topics, directory: directory + "/" + name, maxSteps: maxSteps)
        configuration.epochs = 2
        configuration.shuffleBufferSamples = shuffle
        configuration.groupID = "group-\(name)"
        let service = try TrainService(
            configuration: configuration, client: .init(bootstrapServers: servers, profile: .embedded),
            logger: TestLogging.logger)
        return try await service.runOnDedicatedThread(isCancelled: { false })
    }

    @Test func resumeInsideALaterEpochTrainsTheSameSequence() async throws {
        try await withBroker { servers in
            let (topics, shards) = try Self.replayedTopic(servers: servers, prefix: "ter")
            let directory = TrainFixtures.temporaryDirectory("train-epoch-resume")
            defer { try? FileManager.default.removeItem(atPath: directory) }
            func run(_ name: String, maxSteps: Int) async throws -> TrainSummary {
                try await Self.trainTwoEpochs(
                    servers: servers, topics: topics, directory: directory, name: name, maxSteps: maxSteps)
            }
            let whole = try await run("whole", maxSteps: 1000)
            let wholeIDs = TrainFixtures.stepLogIDs(directory + "/whole/steps.log")
            #expect(
                wholeIDs.sorted()
                    == (shards.flatMap(\.samples).map(\.sampleID) + shards.flatMap(\.samples).map(\.sampleID)).sorted())
            let stopAt = whole.progress.step * 3 / 4  // inside the second epoch
            let first = try await run("resumed", maxSteps: stopAt)
            #expect(
                first.stopReason == .maxSteps && first.progress.epoch == 1, "stopped inside epoch 2 at step \(stopAt)"
            )
            let second = try await run("resumed", maxSteps: 1000)
            #expect(second.resumedFromStep == stopAt)
            #expect(second.progress.step == whole.progress.step)
            #expect(TrainFixtures.stepLogIDs(directory + "/resumed/steps.log") == wholeIDs)
        }
    }

    /// `train --shuffle-buffer N`: every sample trained once per epoch in a seeded order that is not the stream's, a
    /// resume from a checkpoint holding a half-full buffer trains the same order, and a resume with shuffling turned
    /// off packs what the buffer held instead of losing it.
    @Test func shuffledEpochsTrainEverySampleOnceAndResumeTheSameOrder() async throws {
        try await withBroker { servers in
            let (topics, shards) = try Self.replayedTopic(servers: servers, prefix: "tes")
            let streamOrder = shards.flatMap(\.samples).map(\.sampleID)
            let directory = TrainFixtures.temporaryDirectory("train-shuffle")
            defer { try? FileManager.default.removeItem(atPath: directory) }
            func run(_ name: String, maxSteps: Int, shuffle: Int = 5) async throws -> TrainSummary {
                try await Self.trainTwoEpochs(
                    servers: servers, topics: topics, directory: directory, name: name, maxSteps: maxSteps,
                    shuffle: shuffle)
            }
            let whole = try await run("whole", maxSteps: 1000)
            let wholeIDs = TrainFixtures.stepLogIDs(directory + "/whole/steps.log")
            #expect(whole.stopReason == .idle)
            #expect(wholeIDs.count == 2 * streamOrder.count, "raw count: every sample once per epoch, none dropped")
            #expect(wholeIDs.sorted() == (streamOrder + streamOrder).sorted())
            #expect(Array(wholeIDs.prefix(streamOrder.count)) != streamOrder, "trained in a shuffled order")

            let stopAt = whole.progress.step / 3
            let first = try await run("resumed", maxSteps: stopAt)
            #expect(first.stopReason == .maxSteps)
            let second = try await run("resumed", maxSteps: 1000)
            #expect(second.resumedFromStep == stopAt)
            #expect(TrainFixtures.stepLogIDs(directory + "/resumed/steps.log") == wholeIDs)

            _ = try await run("switched", maxSteps: stopAt)
            _ = try await run("switched", maxSteps: 1000, shuffle: 0)
            let switched = TrainFixtures.stepLogIDs(directory + "/switched/steps.log")
            #expect(switched.count == wholeIDs.count)
            #expect(switched.sorted() == wholeIDs.sorted(), "the saved buffer's samples were trained, none lost")
        }
    }
}
