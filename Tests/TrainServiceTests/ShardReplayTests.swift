import Foundation
import Kafka
import Pipeline
import Shards
import Testing
import ThinkStreamTesting

/// `thinkstream shards export` and `shards import`: a topic's committed shards (plain, transactional, and one aborted
/// transaction that must not appear) saved to a directory and replayed into another prefix, where `train` trains
/// exactly the samples it trains on the original, in the same order.
@Suite(.serialized, .tags(.integration))
struct ShardReplayTests {
    static func produceMixedStream(servers: String, topic: String, shards: [[UInt8]], aborted: [UInt8], keys: [String])
        throws
    {
        try TrainFixtures.produce(servers: servers, topic: topic, values: [shards[0]], keys: [keys[0]])
        let producer = try KafkaProducer(
            configuration: .init(
                client: .init(
                    bootstrapServers: servers, profile: .embedded, properties: ["message.max.bytes": "16777216"]),
                transactionalID: "replay-\(UUID().uuidString.prefix(8))"),
            logger: TestLogging.logger)
        defer { producer.close() }
        try producer.initTransactions()
        try producer.beginTransaction()
        try producer.send(
            topic: topic, partition: 0, key: Array(keys[1].utf8), value: shards[1], headers: [RecordSchema.shard.header]
        )
        try producer.commitTransaction()
        try producer.beginTransaction()
        try producer.send(
            topic: topic, partition: 0, key: Array("aborted".utf8), value: aborted, headers: [RecordSchema.shard.header]
        )
        try producer.flush(timeout: .seconds(10))
        try producer.abortTransaction()
        try TrainFixtures.produce(servers: servers, topic: topic, values: [shards[2]], keys: [keys[2]])
    }

    static func train(servers: String, topics: TopicNames, directory: String) async throws -> [String] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let configuration = TrainServiceTests.configuration(topics: topics, directory: directory)
        let service = try TrainService(
            configuration: configuration, client: .init(bootstrapServers: servers, profile: .embedded),
            logger: TestLogging.logger)
        let summary = try await service.runOnDedicatedThread(isCancelled: { false })
        #expect(summary.stopReason == .idle)
        return TrainFixtures.stepLogIDs(directory + "/steps.log")
    }

    @Test func exportedShardsReplayedIntoAnotherPrefixTrainTheSameSamples() async throws {
        try await withBroker { servers in
            let original = TopicNames(prefix: "rpo-\(UUID().uuidString.prefix(6).lowercased())")
            let copy = TopicNames(prefix: "rpc-\(UUID().uuidString.prefix(6).lowercased())")
            let admin = try KafkaAdmin(
                configuration: .init(bootstrapServers: servers, profile: .embedded), logger: TestLogging.logger)
            _ = try TopicSetup.ensureTopics(original, partitions: 1, admin: admin)
            let documents = try TrainFixtures.documents("fineweb_edu_excerpts.jsonl", count: 16, maxBytes: 200)
            let shards = try TrainFixtures.shards(Array(documents[0..<12]), samplesPerShard: 4)
            let aborted = try TrainFixtures.shards(Array(documents[12..<16]), samplesPerShard: 4)[0]
            let keys = shards.map(\.manifest.shardID)
            try Self.produceMixedStream(
                servers: servers, topic: original.shards, shards: shards.map(\.value), aborted: aborted.value,
                keys: keys)

            let directory = TrainFixtures.temporaryDirectory("shard-replay")
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let archive = directory + "/archive"
            let kafka = ["--bootstrap-servers", servers]
            let export = try CommandRunner.run(
                ["shards", "export", "--topic-prefix", original.prefix, "--out", archive] + kafka)
            #expect(export.exitCode == 0, "\(export.standardError)")
            #expect(export.standardOutput.contains("exported 3 shard records"), "\(export.standardOutput)")

            let (manifest, entries) = try ShardArchive.load(from: archive)
            #expect(manifest.topic == original.shards)
            #expect(entries.map(\.value) == shards.map(\.value), "committed shards, byte for byte, in topic order")
            #expect(entries.map { $0.key.map { String(decoding: $0, as: UTF8.self) } } == keys)
            #expect(entries.allSatisfy { $0.headers.map(\.name) == ["schema"] }, "no transaction tags kept")

            let refused = try CommandRunner.run(
                ["shards", "export", "--topic-prefix", original.prefix, "--out", archive] + kafka)
            #expect(refused.exitCode == 64, "a non-empty --out is refused: \(refused.standardError)")
            let forced = try CommandRunner.run(
                ["shards", "export", "--topic-prefix", original.prefix, "--out", archive, "--force"] + kafka)
            #expect(forced.exitCode == 0, "\(forced.standardError)")

            let imported = try CommandRunner.run(
                ["shards", "import", archive, "--topic-prefix", copy.prefix, "--partitions", "1"] + kafka)
            #expect(imported.exitCode == 0, "\(imported.standardError)")
            #expect(imported.standardOutput.contains("imported 3 shard records"), "\(imported.standardOutput)")
            let replayed = try ShardTopicReader.readAll(
                topic: copy.shards, client: .init(bootstrapServers: servers, profile: .embedded),
                logger: TestLogging.logger)
            #expect(replayed.records.map(\.value) == shards.map(\.value))

            let originalIDs = try await Self.train(
                servers: servers, topics: original, directory: directory + "/original")
            let copyIDs = try await Self.train(servers: servers, topics: copy, directory: directory + "/copy")
            #expect(originalIDs.sorted() == shards.flatMap(\.samples).map(\.sampleID).sorted())
            #expect(copyIDs == originalIDs, "the replayed topic trains the same samples in the same order")
        }
    }

    @Test func archiveRefusesAChangedFileAndANonEmptyDirectory() throws {
        let directory = TrainFixtures.temporaryDirectory("shard-archive")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let message = KafkaMessage(
            topic: "t.shards", partition: 0, offset: 7, key: nil, value: Array("shard bytes".utf8),
            headers: [RecordSchema.shard.header], timestampMilliseconds: nil)
        let archive = try ShardArchive.write([message], topic: "t.shards", to: directory, force: false)
        #expect(archive.records.map(\.file) == ["000000-p0-o7.shard"])
        #expect(try ShardArchive.load(from: directory).entries.map(\.value) == [message.value])
        try Data("shard bytEs".utf8).write(to: URL(fileURLWithPath: directory + "/" + archive.records[0].file))
        #expect(throws: PipelineError.self) { try ShardArchive.load(from: directory) }
        #expect(throws: PipelineError.self) {
            try ShardArchive.write([message], topic: "t.shards", to: directory, force: false)
        }
    }

    /// `shards inspect` without `--partition` finds the first shard in whichever partition holds it (the demo's shard
    /// landed in partition 2 and inspect looked only at partition 0); with `--partition` it reads only that one.
    @Test func inspectFindsAShardInAnyPartitionUnlessOneIsNamed() async throws {
        try await withBroker { servers in
            let topics = TopicNames(prefix: "insp-\(UUID().uuidString.prefix(6).lowercased())")
            let kafka = ["--bootstrap-servers", servers, "--topic-prefix", topics.prefix]
            let created = try CommandRunner.run(["topics", "--create", "--partitions", "3"] + kafka)
            #expect(created.exitCode == 0, "\(created.standardError)")
            let shard = try #require(
                try TrainFixtures.shards([("doc-1", "A document to inspect.")], samplesPerShard: 1).first)
            let producer = try KafkaProducer(
                configuration: .init(client: .init(bootstrapServers: servers, profile: .embedded)),
                logger: TestLogging.logger)
            try producer.send(
                topic: topics.shards, partition: 2, key: Array("k".utf8), value: shard.value,
                headers: [RecordSchema.shard.header])
            try producer.flush(timeout: .seconds(10))
            producer.close()
            let found = try CommandRunner.run(["shards", "inspect"] + kafka, timeout: .seconds(60))
            #expect(found.exitCode == 0, "\(found.standardError)")
            #expect(
                found.standardOutput.contains("shard \(shard.manifest.shardID) (\(topics.shards)[2]@0)"),
                "\(found.standardOutput)")
            let named = try CommandRunner.run(["shards", "inspect", "--partition", "0"] + kafka, timeout: .seconds(60))
            #expect(named.exitCode == 64, "\(named.standardError)")
            #expect(named.standardError.contains("\(topics.shards)[0]@0"), "\(named.standardError)")
        }
    }
}
