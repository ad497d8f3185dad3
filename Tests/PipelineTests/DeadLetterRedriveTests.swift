import Foundation
import Kafka
import Pipeline
import Shards
import Testing
import ThinkStreamTesting

/// Item 11 of the production issue: `thinkstream dlq list` and `dlq redrive` against real augment dead letters.
@Suite(.serialized, .tags(.integration))
struct DeadLetterRedriveTests {
    @Test func deadLettersAreReDrivenExactlyOnceWithAttemptsAndTheirOriginalOffset() async throws {
        try await withBroker { servers in
            let topics = TopicNames(prefix: "redrive-\(UUID().uuidString.prefix(6).lowercased())")
            let client = KafkaClientConfiguration(bootstrapServers: servers, profile: .embedded)
            let admin = try KafkaAdmin(configuration: client, logger: TestLogging.logger)
            try TopicSetup.ensureTopics(topics, partitions: 1, admin: admin)
            let producer = try KafkaProducer(configuration: .init(client: client), logger: TestLogging.logger)
            for index in 0..<6 {
                let text = index % 3 == 1 ? "Document \(index) asks the engine to FAIL." : "Document \(index) is fine."
                let document = RawDocument(
                    id: "doc-\(index)", text: text, sourceFile: "corpus.jsonl", sourceLine: index + 1, metadata: [])
                try producer.send(
                    topic: topics.raw, key: Array(document.id.utf8), value: document.encoded(),
                    headers: [RecordSchema.rawDocument.header])
            }
            // Two dead letters no redrive may take: a feed line (not a raw document) and a truncated augment one.
            let feedLetter = DeadLetter(
                component: "feed", reason: .engineFailed, message: "test", sourceFile: "corpus.jsonl", sourceLine: 9,
                raw: Array(#"{"text": "a line"}"#.utf8), rawLimitBytes: 1024)
            let truncated = DeadLetter(
                component: "augment", reason: .engineFailed, message: "test", sourceFile: "\(topics.raw)[0]@99",
                sourceLine: nil,
                raw: RawDocument(id: "long", text: "long text", sourceFile: "f", sourceLine: 1, metadata: []).encoded(),
                rawLimitBytes: 10)
            for letter in [feedLetter, truncated] {
                try producer.send(
                    topic: topics.deadLetters, key: nil, value: letter.encoded(),
                    headers: [RecordSchema.deadLetter.header])
            }
            try producer.flush(timeout: .seconds(10))
            producer.close()

            func augmentOnce() async throws -> AugmentSummary {
                let service = try AugmentService(
                    configuration: .init(
                        topics: topics, groupID: "redrive-augment", transactionalID: "redrive-augment",
                        maxDocumentsInFlight: 4,
                        shardLimits: .init(maxSamples: 10), idleFlush: .milliseconds(300)),
                    client: client, augmenter: RestatingAugmenter(), logger: TestLogging.logger)
                return try await service.run(stopWhenIdle: .seconds(2), isCancelled: { false })
            }
            let first = try await augmentOnce()
            #expect(first.documentsIn == 6 && first.deadLetters == 2)

            let redriver = DeadLetterRedriver(topics: topics, client: client, logger: TestLogging.logger)
            let entries = try redriver.entries()
            #expect(entries.count == 4)
            #expect(entries.filter { DeadLetterFilter(component: "augment").matches($0) }.count == 3)
            #expect(entries.filter { DeadLetterFilter(since: Date().addingTimeInterval(3600)).matches($0) }.isEmpty)

            let dry = try await redriver.redrive(DeadLetterFilter(reason: "engine_failed"), dryRun: true)
            #expect(dry.redriven.count == 2 && dry.refused.count == 2)
            #expect(try Self.rawRecords(servers, topics).count == 6, "a dry run produces nothing")

            let redriven = try await redriver.redrive(DeadLetterFilter(reason: "engine_failed"))
            #expect(redriven.redriven.map(\.attempt) == [1, 1])
            #expect(Set(redriven.redriven.map(\.original)) == ["\(topics.raw)[0]@1", "\(topics.raw)[0]@4"])
            #expect(redriven.refused.count == 2, "\(redriven.refused)")
            let raw = try Self.rawRecords(servers, topics)
            #expect(raw.count == 8, "six documents and two re-driven, counted raw")
            let redrivenRecords = raw.filter { $0.header("redrive.attempt") != nil }
            #expect(redrivenRecords.map { $0.header("redrive.attempt") } == ["1", "1"])
            #expect(
                Set(redrivenRecords.compactMap { $0.header("redrive.original") }) == [
                    "\(topics.raw)[0]@1", "\(topics.raw)[0]@4",
                ])
            #expect(Set(try redrivenRecords.map { try RawDocument.decode($0.value).id }) == ["doc-1", "doc-4"])

            // A second redrive of the same dead letters is refused.
            let again = try await redriver.redrive(DeadLetterFilter(reason: "engine_failed"))
            #expect(again.redriven.isEmpty && again.alreadyRedriven.count == 2)
            #expect(try Self.rawRecords(servers, topics).count == 8)

            // The re-driven documents fail again: their new dead letters re-drive as attempt 2 of the same original.
            let second = try await augmentOnce()
            #expect(second.documentsIn == 2 && second.deadLetters == 2)
            let retried = try await redriver.redrive(DeadLetterFilter(reason: "engine_failed", component: "augment"))
            #expect(retried.redriven.map(\.attempt) == [2, 2])
            #expect(Set(retried.redriven.map(\.original)) == ["\(topics.raw)[0]@1", "\(topics.raw)[0]@4"])
            #expect(retried.alreadyRedriven.count == 2 && retried.refused.count == 1)

            // The command line: list by reason, and refusals with exit 64.
            let environment = ["THINKSTREAM_KAFKA_BOOTSTRAP_SERVERS": servers]
            let list = try CommandRunner.run(
                ["dlq", "list", "--topic-prefix", topics.prefix, "--reason", "engine_failed"], environment: environment)
            #expect(list.exitCode == 0, "\(list.standardError)")
            #expect(
                list.standardOutput.contains(
                    "6 dead letters: augment engine_failed 5, feed engine_failed 1; 4 re-driven"),
                "\(list.standardOutput)")
            #expect(list.standardOutput.contains("(attempt 2)"))
            let noReason = try CommandRunner.run(
                ["dlq", "redrive", "--topic-prefix", topics.prefix], environment: environment)
            #expect(
                noReason.exitCode == 64 && noReason.standardError.contains("--reason is required"),
                "\(noReason.standardError)")
            let badSince = try CommandRunner.run(
                ["dlq", "list", "--topic-prefix", topics.prefix, "--since", "yesterday"], environment: environment)
            #expect(
                badSince.exitCode == 64 && badSince.standardError.contains("--since 'yesterday'"),
                "\(badSince.standardError)")
        }
    }

    /// Every record of the raw topic, before any de-duplication.
    static func rawRecords(_ servers: String, _ topics: TopicNames) throws -> [KafkaMessage] {
        try CommittedTopicReader.readAll(
            topic: topics.raw, schema: .rawDocument, client: .init(bootstrapServers: servers, profile: .embedded),
            logger: TestLogging.logger
        ).records
    }
}
