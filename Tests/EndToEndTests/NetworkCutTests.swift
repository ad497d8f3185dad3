import Foundation
import Kafka
import Pipeline
import Shards
import Testing
import ThinkStreamTesting

/// Item 4 of the production issue: a `TCPCutProxy` owned by the test sits between every component and the embedded
/// broker (which advertises the proxy's port, so reconnections go through it too), and the test cuts the network
/// mid-run. Records are counted raw: every committed record a read_committed reader receives, before any
/// de-duplication. The suite found two bugs: augment hung for good in `rd_kafka_send_offsets_to_transaction` after a
/// cut (librdkafka's re-bootstrap; see `KafkaProducerConfiguration`), and feed exited 0 after records timed out,
/// because the producer rebuild that followed reset its delivery tally (see `KafkaProducer.rebuildIfFatal`).
@Suite(.serialized, .tags(.integration))
struct NetworkCutTests {
    static func pencilDocuments(_ count: Int, prefix: String) -> [(id: String, line: String)] {
        (0..<count).map { index in
            let id = "\(prefix)\(index)"
            return (
                id,
                #"{"id": "\#(id)", "text": "Sam has \#(index + 2) pencils and buys \#(index + 3) more. How many pencils does Sam have?"}"#
            )
        }
    }

    /// Stderr lines that warn about the broker and name its address.
    static func brokerWarnings(_ lines: [String], address: String) -> [String] {
        lines.filter { $0.contains(address) && ($0.contains("warning") || $0.contains("error")) }
    }

    /// augment (real engine, SmolLM2) commits its first shard, then the network is cut for 30 s (live connections
    /// reset, new ones refused) and healed. The same process must warn, naming the broker, while cut, commit shards
    /// again after the heal and exit 0 at --stop-when-idle; every document ends up in exactly one committed shard or
    /// dead letter, and no sample id appears twice, counting raw records.
    @Test func augmentRidesOutACutWithoutLosingOrDuplicatingADocument() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cut-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let documents = Self.pencilDocuments(10, prefix: "c")
        let corpus = folder.appendingPathComponent("corpus.jsonl")
        try Data(documents.map(\.line).joined(separator: "\n").utf8).write(to: corpus)
        try await withProxiedBroker { proxy, _, servers in
            let prefix = "cut-augment"
            let common = ["--bootstrap-servers", servers, "--topic-prefix", prefix]
            let feed = try CommandRunner.run(["feed"] + common + [corpus.path])
            try #require(feed.exitCode == 0, "\(feed.standardError)")
            let augment = try BackgroundCommand(
                ["augment"] + common + [
                    "--model", try ModelFixtures.modelPath("SmolLM2-135M-Instruct.Q4_1"), "--upsampling", "natural",
                    "--max-thinking-tokens", "8", "--shard-max-samples", "2", "--max-documents-in-flight", "2",
                    "--transactional-id", "cut-worker", "--stop-when-idle", "60",
                ])
            defer { augment.kill() }
            let shardLine = { (line: String) in line.hasPrefix("shard ") }
            try #require(
                await augment.waitForLine(containing: "shard ", timeout: .seconds(180)),
                "augment committed no shard: \(augment.standardErrorLines.suffix(8))")
            let linesBeforeCut = augment.standardErrorLines.count
            let shardsBeforeCut = augment.standardErrorLines.filter(shardLine).count
            let before = proxy.statistics
            await proxy.cut(.refuse, for: networkCutDuration)
            let duringCut = Array(augment.standardErrorLines.dropFirst(linesBeforeCut))
            let after = proxy.statistics
            let exitCode = await augment.waitForExit(timeout: .seconds(150))
            let lines = augment.standardErrorLines
            print(
                "augment through a \(networkCutDuration) cut: exit \(exitCode); proxy \(before) → \(after); shards before the cut \(shardsBeforeCut), after \(lines.filter(shardLine).count - shardsBeforeCut)"
            )
            for line in lines.dropFirst(linesBeforeCut).prefix(40) { print("  | \(line.prefix(400))") }

            #expect(exitCode == 0, "augment did not recover by itself: \(lines.suffix(8))")
            #expect(after.resetByCut > before.resetByCut, "the cut met no live connection")
            #expect(
                !Self.brokerWarnings(duringCut, address: servers).isEmpty,
                "no warning naming \(servers) while cut: \(duringCut.suffix(8))")
            #expect(lines.filter(shardLine).count > shardsBeforeCut, "no shard committed after the heal")

            let client = KafkaClientConfiguration(bootstrapServers: servers, profile: .embedded)
            var seen: [String: Int] = [:]
            var sampleIDs: [String: Int] = [:]
            for record in try CommittedTopicReader.readAll(
                topic: "\(prefix).shards", schema: .shard, client: client, logger: TestLogging.logger
            ).records {
                var documentsInShard: Set<String> = []
                for sample in try ShardCodec.decode(record.value, source: "shard").samples {
                    sampleIDs[sample.sampleID, default: 0] += 1
                    documentsInShard.insert(sample.documentID)
                }
                for document in documentsInShard { seen[document, default: 0] += 1 }
            }
            for record in try CommittedTopicReader.readAll(
                topic: "\(prefix).dlq", schema: .deadLetter, client: client, logger: TestLogging.logger
            ).records {
                seen[try RawDocument.decode(try DeadLetter.decode(record.value).raw).id, default: 0] += 1
            }
            #expect(
                seen.keys.sorted() == documents.map(\.id).sorted(), "documents accounted for: \(seen.keys.sorted())")
            #expect(
                seen.filter { $0.value != 1 }.isEmpty,
                "documents counted raw more than once: \(seen.filter { $0.value != 1 })")
            #expect(
                sampleIDs.filter { $0.value != 1 }.isEmpty,
                "sample ids counted raw more than once: \(sampleIDs.filter { $0.value != 1 })")
        }
    }

    static func feedLines(_ range: Range<Int>) -> [UInt8] {
        Array(
            range.map {
                #"{"id": "f\#($0)", "text": "Document \#($0) of the feed that a network cut must not lose."}"# + "\n"
            }.joined().utf8)
    }

    /// Raw-document records of the raw topic, counted raw, by id.
    static func rawCounts(servers: String, prefix: String) throws -> [String: Int] {
        let client = KafkaClientConfiguration(bootstrapServers: servers, profile: .embedded)
        var counts: [String: Int] = [:]
        for record in try CommittedTopicReader.readAll(
            topic: "\(prefix).raw", schema: .rawDocument, client: client, logger: TestLogging.logger
        ).records {
            counts[try RawDocument.decode(record.value).id, default: 0] += 1
        }
        return counts
    }

    /// Waits (bounded) until the raw topic holds `count` records.
    static func waitForRawRecords(_ count: Int, servers: String, prefix: String, timeout: Duration) async throws -> Bool
    {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try rawCounts(servers: servers, prefix: prefix).values.reduce(0, +) >= count { return true }
            try await Task.sleep(for: .milliseconds(300))
        }
        return false
    }

    /// feed reads stdin; half the documents are delivered, the network is cut for 30 s while the other half is fed,
    /// then healed: feed exits 0 having produced every document, and the raw topic holds each exactly once.
    @Test func feedLosesNothingAcrossACut() async throws {
        try await withProxiedBroker { proxy, _, servers in
            let prefix = "cut-feed"
            let total = 2000
            let feed = try BackgroundCommand(
                ["feed", "--bootstrap-servers", servers, "--topic-prefix", prefix, "-"], standardInput: true)
            defer { feed.kill() }
            try feed.writeInput(Self.feedLines(0..<total / 2))
            try #require(
                try await Self.waitForRawRecords(total / 2, servers: servers, prefix: prefix, timeout: .seconds(60)),
                "the first half never arrived: \(feed.standardErrorLines.suffix(5))")
            let linesBeforeCut = feed.standardErrorLines.count
            proxy.cut(.refuse)
            try feed.writeInput(Self.feedLines(total / 2..<total))
            try await Task.sleep(for: networkCutDuration)
            let duringCut = Array(feed.standardErrorLines.dropFirst(linesBeforeCut))
            proxy.heal()
            try feed.closeInput()
            let exitCode = await feed.waitForExit(timeout: .seconds(90))
            let counts = try Self.rawCounts(servers: servers, prefix: prefix)
            print(
                "feed through a \(networkCutDuration) cut: exit \(exitCode), \(counts.values.reduce(0, +)) raw records for \(total) documents; proxy \(proxy.statistics); \(feed.standardOutputLines.last ?? "")"
            )
            #expect(exitCode == 0, "\(feed.standardErrorLines.suffix(5))")
            #expect(
                feed.standardOutputLines.contains { $0.hasPrefix("read \(total), produced \(total),") },
                "\(feed.standardOutputLines)")
            #expect(proxy.statistics.resetByCut > 0, "the cut met no live connection")
            #expect(
                !Self.brokerWarnings(duringCut, address: servers).isEmpty,
                "no warning naming \(servers) while cut: \(duringCut.suffix(5))")
            #expect(Set(counts.keys) == Set((0..<total).map { "f\($0)" }), "missing: \(total - counts.count) documents")
            #expect(
                counts.values.allSatisfy { $0 == 1 },
                "counted raw more than once: \(counts.filter { $0.value != 1 }.count) documents")
        }
    }

    /// A cut (a blackhole: the broker never answers) longer than feed's stated delivery timeout (set to 5 s here
    /// through kafka.librdkafka.message.timeout.ms) makes feed exit 69 with an error naming the broker, while the cut
    /// lasts; the records it had delivered before stay, once each.
    @Test func feedExits69NamingTheBrokerWhenACutOutlastsItsDeliveryTimeout() async throws {
        try await withProxiedBroker { proxy, _, servers in
            let prefix = "cut-timeout"
            let feed = try BackgroundCommand(
                [
                    "feed", "--bootstrap-servers", servers, "--topic-prefix", prefix, "--kafka-property",
                    "message.timeout.ms=5000", "-",
                ],
                standardInput: true)
            defer { feed.kill() }
            try feed.writeInput(Self.feedLines(0..<100))
            try #require(
                try await Self.waitForRawRecords(100, servers: servers, prefix: prefix, timeout: .seconds(60)),
                "the first records never arrived: \(feed.standardErrorLines.suffix(5))")
            proxy.cut(.blackhole)
            let cutAt = ContinuousClock.now
            try feed.writeInput(Self.feedLines(100..<200))
            try feed.closeInput()
            let exitCode = await feed.waitForExit(timeout: .seconds(60))
            let exitedAfter = ContinuousClock.now - cutAt
            proxy.heal()  // only now: whatever feed did, it did with the network cut
            let errors = feed.standardErrorLines.filter { $0.hasPrefix("error: ") }
            print("feed under a blackhole cut: exit \(exitCode) after \(exitedAfter); \(errors)")
            #expect(exitCode == 69)
            #expect(
                errors.count == 1 && errors[0].contains(servers),
                "the error does not name \(servers): \(feed.standardErrorLines.suffix(5))")
            let counts = try Self.rawCounts(servers: servers, prefix: prefix)
            #expect(
                Set(counts.keys) == Set((0..<100).map { "f\($0)" }) && counts.values.allSatisfy { $0 == 1 },
                "raw records after the failed run: \(counts.count)")
        }
    }
}
