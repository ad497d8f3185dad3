import Foundation
import Generation
import JSON
import Kafka
import Pipeline
import Shards
import Synchronization
import Testing
import ThinkStreamTesting

/// A deterministic augmenter for testing the service's streaming and exactly-once logic in isolation: one sample
/// per document whose thinking restates the document; documents whose text contains "FAIL" fail.
struct RestatingAugmenter: DocumentAugmenting {
    var generator: ShardManifest.Generator { ShardCodecFixtures.generator }
    var tokenizerName: String { "bytes" }

    func augment(_ inputs: [AugmentInput]) async throws -> [AugmentOutcome] {
        try await Task.sleep(for: .milliseconds(20))
        return inputs.map { input in
            if input.document.text.contains("FAIL") {
                return .failed(reason: .engineFailed, message: "refused by test")
            }
            let thinking = "The document says: \(input.document.text.prefix(40))"
            let text = input.document.text + "\n\n<think>\n" + thinking + "\n</think>\n"
            let documentBytes = input.document.text.utf8.count
            let thinkingStart = documentBytes + 10
            return .samples([
                ShardSample(
                    sampleID: String(repeating: "0", count: 64 - input.document.id.utf8.count) + input.document.id,
                    documentID: input.document.id, source: input.source, text: text, tokenIDs: text.utf8.map(Int.init),
                    documentSpan: .init(byteStart: 0, byteEnd: documentBytes, tokenStart: 0, tokenEnd: documentBytes),
                    thinkingSpan: .init(
                        byteStart: thinkingStart, byteEnd: thinkingStart + thinking.utf8.count,
                        tokenStart: thinkingStart,
                        tokenEnd: thinkingStart + thinking.utf8.count),
                    difficultyScore: 0.5, level: .basic, trajectoryIndex: 0, seed: 1, templateID: "test",
                    templateVersion: 1,
                    thinkingTokenCount: thinking.utf8.count, finishReason: .stop, capHit: false, attempts: 1,
                    focusCharacterOffset: nil)
            ])
        }
    }
}

enum ShardCodecFixtures {
    static let generator = ShardManifest.Generator(
        modelFile: "none", modelSHA256: String(repeating: "0", count: 64), templateID: "test", templateVersion: 1,
        temperature: 0, topP: 1, maxThinkingTokensByLevel: [.basic: 16], upsamplingMode: "natural")
}

final class StopFlags: Sendable {
    let stop = Atomic<Bool>(false)
    let stopFirst = Atomic<Bool>(false)
}

@Suite(.serialized, .tags(.integration))
struct AugmentServiceTests {
    @Test func twoWorkersAccountForEveryDocumentExactlyOnceInCommittedShardsOrDeadLetters() async throws {
        try await withBroker { servers in
            let topics = TopicNames(prefix: "aug-\(UUID().uuidString.prefix(6).lowercased())")
            let admin = try KafkaAdmin(
                configuration: .init(bootstrapServers: servers, profile: .embedded), logger: TestLogging.logger)
            try TopicSetup.ensureTopics(topics, partitions: 4, admin: admin)
            let producer = try KafkaProducer(
                configuration: .init(client: .init(bootstrapServers: servers, profile: .embedded)),
                logger: TestLogging.logger)
            var expected: Set<String> = []
            for index in 0..<120 {
                let text =
                    index % 17 == 0
                    ? "Document \(index) asks the engine to FAIL."
                    : "Document number \(index) about topic \(index % 7)."
                let document = RawDocument(
                    id: "doc-\(index)", text: text, sourceFile: "test", sourceLine: index + 1, metadata: [])
                try producer.send(
                    topic: topics.raw, key: Array(document.id.utf8), value: document.encoded(),
                    headers: [RecordSchema.rawDocument.header])
                expected.insert(document.id)
            }
            try producer.send(topic: topics.raw, key: nil, value: Array("not json".utf8))
            try producer.flush(timeout: .seconds(10))
            producer.close()

            let flags = StopFlags()
            let client = KafkaClientConfiguration(bootstrapServers: servers, profile: .embedded)
            func worker(_ name: String, shardSamples: Int) throws -> AugmentService {
                try AugmentService(
                    configuration: .init(
                        topics: topics, groupID: "aug-group", transactionalID: "aug-\(name)", maxDocumentsInFlight: 4,
                        shardLimits: .init(maxSamples: shardSamples), idleFlush: .milliseconds(300)),
                    client: client, augmenter: RestatingAugmenter(), logger: TestLogging.logger)
            }
            let first = try worker("a", shardSamples: 5)
            let second = try worker("b", shardSamples: 7)
            async let firstSummary = first.run(isCancelled: {
                flags.stop.load(ordering: .relaxed) || flags.stopFirst.load(ordering: .relaxed)
            }) {
                _, _, summary in
                if summary.documentsIn >= 20 { flags.stopFirst.store(true, ordering: .relaxed) }
            }
            async let secondSummary = second.run(isCancelled: { flags.stop.load(ordering: .relaxed) })
            let (shards, letters, shardRecords) = try await Self.collect(
                servers: servers, topics: topics, expected: expected.count + 1)
            flags.stop.store(true, ordering: .relaxed)
            #expect(
                shardRecords.values.allSatisfy { $0 == 1 },
                "shards delivered twice: \(shardRecords.filter { $0.value > 1 })")
            let summaries = try await [firstSummary, secondSummary]
            #expect(summaries[0].documentsIn >= 20 && summaries[0].documentsIn < 121)

            var seen: [String: Int] = [:]
            for sample in shards.flatMap(\.samples) { seen[sample.documentID, default: 0] += 1 }
            let failedIDs = letters.compactMap { $0["source"]?["file"]?.stringValue }
            #expect(letters.count == 9, "\(letters.count) dead letters")
            #expect(Set(seen.keys).count + letters.count == expected.count + 1)
            #expect(seen.values.allSatisfy { $0 == 1 }, "duplicated documents: \(seen.filter { $0.value > 1 })")
            #expect(Set(seen.keys) == expected.filter { Int($0.dropFirst(4))! % 17 != 0 })
            #expect(failedIDs.count == 9)
        }
    }

    /// Reads committed shards and dead letters until every input is accounted for. Shards are returned once per
    /// shard id; `shardRecords` counts the raw records per shard id, before that de-duplication.
    static func collect(servers: String, topics: TopicNames, expected: Int) async throws
        -> (
            shards: [(manifest: ShardManifest, samples: [ShardSample])], letters: [JSONValue],
            shardRecords: [String: Int]
        )
    {
        let consumer = try KafkaConsumer(
            configuration: .init(
                client: .init(bootstrapServers: servers, profile: .embedded), groupID: "collector-\(UUID())"),
            logger: TestLogging.logger)
        defer { consumer.close() }
        try consumer.subscribe([topics.shards, topics.deadLetters])
        var shards: [String: (manifest: ShardManifest, samples: [ShardSample])] = [:]
        var letters: [JSONValue] = []
        var shardRecords: [String: Int] = [:]
        let deadline = ContinuousClock.now + .seconds(240)
        while ContinuousClock.now < deadline {
            let accounted = shards.values.reduce(0) { $0 + $1.samples.count } + letters.count
            if accounted >= expected { break }
            guard case .message(let message)? = try consumer.poll(timeout: .milliseconds(100)) else { continue }
            if message.topic == topics.shards {
                let shard = try ShardCodec.decode(
                    message.value, source: "\(message.topic)[\(message.partition)]@\(message.offset)")
                shards[shard.manifest.shardID] = shard
                shardRecords[shard.manifest.shardID, default: 0] += 1
            } else {
                letters.append(try JSONParser.parse(message.value))
            }
        }
        let settleDeadline = ContinuousClock.now + .seconds(1)
        while ContinuousClock.now < settleDeadline {
            guard case .message(let message)? = try consumer.poll(timeout: .milliseconds(50)) else { continue }
            if message.topic == topics.shards {
                let shard = try ShardCodec.decode(message.value, source: "\(message.topic)@\(message.offset)")
                shardRecords[shard.manifest.shardID, default: 0] += 1
            } else {
                letters.append(try JSONParser.parse(message.value))
            }
        }
        return (Array(shards.values), letters, shardRecords)
    }
}

/// A restating augmenter whose documents containing "SLOW" take `slowFor`, and which records how many calls ran at
/// once and which documents started while a slow one ran.
final class PacedAugmenter: DocumentAugmenting, Sendable {
    var generator: ShardManifest.Generator { ShardCodecFixtures.generator }
    var tokenizerName: String { "bytes" }
    let slowFor: Duration
    private let restating = RestatingAugmenter()
    private let state = Mutex<(running: Int, mostRunning: Int, slowRunning: Int, startedBesideSlow: [String])>(
        (0, 0, 0, []))

    init(slowFor: Duration) { self.slowFor = slowFor }

    var mostRunning: Int { state.withLock { $0.mostRunning } }
    var startedBesideSlow: [String] { state.withLock { $0.startedBesideSlow } }

    func augment(_ inputs: [AugmentInput]) async throws -> [AugmentOutcome] {
        let slow = inputs.contains { $0.document.text.contains("SLOW") }
        state.withLock {
            $0.running += inputs.count
            $0.mostRunning = max($0.mostRunning, $0.running)
            if $0.slowRunning > 0 { $0.startedBesideSlow += inputs.map(\.document.id) }
            if slow { $0.slowRunning += 1 }
        }
        defer {
            state.withLock {
                $0.running -= inputs.count
                if slow { $0.slowRunning -= 1 }
            }
        }
        if slow { try await Task.sleep(for: slowFor) }
        return try await restating.augment(inputs)
    }
}

@Suite(.serialized, .tags(.integration))
struct AugmentAdmissionTests {
    /// A slow document does not hold the engine's other slots idle: documents behind it start as slots free up (up
    /// to the window's hold limit), at most `maxDocumentsInFlight` run at once, and shards still record documents
    /// in consumption order, each exactly once.
    @Test func documentsStartAsSlotsFreeAndShardsKeepConsumptionOrder() async throws {
        try await withBroker { servers in
            let topics = TopicNames(prefix: "adm-\(UUID().uuidString.prefix(6).lowercased())")
            let ids = try RawTopicFixture.produce(
                (0..<30).map { $0 == 3 ? "Document \($0) is SLOW to think about." : "Document \($0) is quick." },
                servers: servers, topics: topics, partitions: 1)

            let augmenter = PacedAugmenter(slowFor: .seconds(3))
            let service = try AugmentService(
                configuration: .init(
                    topics: topics, groupID: "adm-group", transactionalID: "adm-worker", maxDocumentsInFlight: 2,
                    shardLimits: .init(maxSamples: 4), idleFlush: .milliseconds(300)),
                client: KafkaClientConfiguration(bootstrapServers: servers, profile: .embedded), augmenter: augmenter,
                logger: TestLogging.logger)
            let summary = try await service.run(stopWhenIdle: .seconds(2), isCancelled: { false })
            #expect(summary.documentsIn == ids.count && summary.samplesOut == ids.count)

            #expect(augmenter.mostRunning == 2, "at most maxDocumentsInFlight run at once: \(augmenter.mostRunning)")
            // Held: the slow head and up to 4 × 2 − 1 documents behind it (one fewer while the document before it
            // is finished but not yet recorded); batch-at-a-time would start only one.
            let beside = augmenter.startedBesideSlow
            #expect(
                (6...7).contains(beside.count) && beside == (4..<(4 + beside.count)).map { "doc-\($0)" },
                "started while the slow document ran: \(beside)")

            // Raw shard records, before any de-duplication, in the order the topic holds them.
            let records = try TopicReader.readAll(
                servers: servers, topic: topics.shards, expected: 8, timeout: .seconds(30)
            )
            .filter { !$0.value.isEmpty }
            let recorded = try records.sorted { $0.offset < $1.offset }.flatMap {
                try ShardCodec.decode($0.value, source: "shard").samples.map(\.documentID)
            }
            #expect(recorded == ids, "documents in committed shards, in order: \(recorded)")
        }
    }
}
