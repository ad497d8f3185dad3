import Foundation
import Kafka
import Pipeline
import Shards
import Testing
import ThinkStreamTesting

@Suite(.serialized, .tags(.integration))
struct FeedIntegrationTests {
    static let corpora = [
        "gsm8k_test.jsonl", "gsm8k_train_sample.jsonl", "math500.jsonl", "math_train_sample.jsonl", "web_docs.jsonl",
        "code_docs.jsonl", "fineweb_edu_excerpts.jsonl",
    ]

    private func makeProducer(_ servers: String) throws -> KafkaProducer {
        try KafkaProducer(configuration: .init(client: .init(bootstrapServers: servers, profile: .embedded)), logger: TestLogging.logger)
    }

    @Test func everySharedCorpusReadsBackByteIdenticalExactlyOnce() async throws {
        var expected: [String: String] = [:]
        for corpus in Self.corpora {
            let path = FixturePaths.dataDirectory.appendingPathComponent(corpus).path
            let contents = try String(contentsOfFile: path, encoding: .utf8)
            for line in contents.split(separator: "\n") {
                let record = try JSONParser.parse(Array(line.utf8))
                expected[record["id"]!.stringValue!] = record["text"]!.stringValue!
            }
        }
        #expect(expected.count == 5007)
        try await withBroker { servers in try corpusRoundTrip(servers: servers, expected: expected) }
    }

    private func corpusRoundTrip(servers: String, expected: [String: String]) throws {
        do {
            let topics = TopicNames(prefix: "corpus-\(UUID().uuidString.prefix(6).lowercased())")
            let admin = try KafkaAdmin(configuration: .init(bootstrapServers: servers, profile: .embedded), logger: TestLogging.logger)
            try TopicSetup.ensureTopics(topics, partitions: 3, admin: admin)
            let producer = try makeProducer(servers)
            let service = try FeedService(configuration: .init(topics: topics), producer: producer, logger: TestLogging.logger)
            let inputs = try FeedInput.expand(Self.corpora.map { FixturePaths.dataDirectory.appendingPathComponent($0).path })
            let summary = try service.run(inputs: inputs)
            producer.close()
            #expect(summary.read == 5007)
            #expect(summary.produced == 5007)
            #expect(summary.deadLettered == 0)
            #expect(summary.duplicates == 0)
            #expect(summary.bytesRead == inputs.reduce(0) { $0 + $1.sizeBytes! })

            let messages = try TopicReader.readAll(servers: servers, topic: topics.raw, expected: 5007)
            #expect(messages.count == 5007)
            let validator = try JSONSchemaValidator(schemaFile: RecordSchema.rawDocument.fileName)
            var seen: [String: Int] = [:]
            for message in messages {
                let document = try RawDocument.decode(message.value)
                seen[document.id, default: 0] += 1
                #expect(expected[document.id] == document.text, "text of \(document.id) differs")
                #expect(message.key.map { String(decoding: $0, as: UTF8.self) } == document.id)
                #expect(message.header("schema") == "raw-document/1")
                let problems = validator.validate(try JSONParser.parse(message.value))
                #expect(problems.isEmpty, "\(document.id): \(problems)")
            }
            #expect(seen.count == 5007)
            #expect(seen.values.allSatisfy { $0 == 1 })
        }
    }

    @Test func eachClassOfBadLineYieldsOneDeadLetterAndEveryGoodDocumentLands() async throws {
        let folder = try FeedFixtureFolder()
        defer { folder.cleanUp() }
        let plain = try folder.write("bad-lines.jsonl", BadLineFixture.fileBytes)
        let compressed = try folder.write("nested/more.jsonl.zst", try ZstdCompressor.compress(
            Array(#"{"id": "zst-1", "text": "A document inside a zstd frame."}"#.utf8) + [0x0A]))
        try folder.write("nested/deeper/note.txt", Array("A plain text file is one document.\n".utf8))
        try await withBroker { servers in try badLines(servers: servers, folder: folder, plain: plain, compressed: compressed) }
    }

    private func badLines(servers: String, folder: FeedFixtureFolder, plain: String, compressed: String) throws {
        do {
            let topics = TopicNames(prefix: "bad-\(UUID().uuidString.prefix(6).lowercased())")
            let admin = try KafkaAdmin(configuration: .init(bootstrapServers: servers, profile: .embedded), logger: TestLogging.logger)
            try TopicSetup.ensureTopics(topics, partitions: 2, admin: admin)
            let producer = try makeProducer(servers)
            let service = try FeedService(
                configuration: .init(topics: topics, maxDocumentBytes: BadLineFixture.maxDocumentBytes), producer: producer,
                logger: TestLogging.logger)
            var printed: [DeadLetter] = []
            let summary = try service.run(inputs: try FeedInput.expand([folder.url.path]), onDeadLetter: { printed.append($0) })
            producer.close()

            let expectedReasons = BadLineFixture.lines.compactMap(\.reason).sorted()
            #expect(summary.produced == 5)
            #expect(summary.duplicates == 1)
            #expect(summary.blankLines == 1)
            #expect(summary.deadLettered == expectedReasons.count)
            #expect(summary.read == 13)
            #expect(printed.map(\.reason.rawValue).sorted() == expectedReasons)
            #expect(printed.allSatisfy { $0.sourceFile == plain && $0.sourceLine != nil })

            let documents = try TopicReader.readAll(servers: servers, topic: topics.raw, expected: 5).map { try RawDocument.decode($0.value) }
            #expect(Set(documents.map(\.text)) == [
                "The first good document.", "The second good document.", "A third good document without an id.",
                "A document inside a zstd frame.", "A plain text file is one document.\n",
            ])
            let zstdDocument = documents.first { $0.id == "zst-1" }
            #expect(zstdDocument?.sourceFile == compressed && zstdDocument?.sourceLine == 1)
            #expect(documents.first { $0.id == "good-2" }.map { JSONValue.object($0.metadata) } == .object([("lang", .string("en"))]))

            let letters = try TopicReader.readAll(servers: servers, topic: topics.deadLetters, expected: expectedReasons.count)
            #expect(letters.count == expectedReasons.count)
            let validator = try JSONSchemaValidator(schemaFile: RecordSchema.deadLetter.fileName)
            var reasons: [String] = []
            for letter in letters {
                let value = try JSONParser.parse(letter.value)
                #expect(validator.validate(value).isEmpty, "\(validator.validate(value))")
                #expect(letter.header("schema") == "dead-letter/1")
                #expect(letter.header("error.code") == value["reason"]?.stringValue)
                reasons.append(value["reason"]!.stringValue!)
                if value["reason"]?.stringValue == "invalid_utf8" {
                    #expect(value["raw_encoding"]?.stringValue == "base64")
                    #expect(Data(base64Encoded: value["raw"]!.stringValue!).map(Array.init) == BadLineFixture.lines[2].bytes)
                }
            }
            #expect(reasons.sorted() == expectedReasons)
        }
    }

    @Test func strictModeStopsAtTheFirstBadRecordAfterFlushingWhatWasAccepted() async throws {
        let folder = try FeedFixtureFolder()
        defer { folder.cleanUp() }
        try folder.write("bad-lines.jsonl", BadLineFixture.fileBytes)
        try await withBroker { servers in try strict(servers: servers, folder: folder) }
    }

    private func strict(servers: String, folder: FeedFixtureFolder) throws {
        do {
            let topics = TopicNames(prefix: "strict-\(UUID().uuidString.prefix(6).lowercased())")
            let admin = try KafkaAdmin(configuration: .init(bootstrapServers: servers, profile: .embedded), logger: TestLogging.logger)
            try TopicSetup.ensureTopics(topics, partitions: 1, admin: admin)
            let producer = try makeProducer(servers)
            let service = try FeedService(configuration: .init(topics: topics, strict: true), producer: producer, logger: TestLogging.logger)
            let error = #expect(throws: PipelineError.self) { try service.run(inputs: try FeedInput.expand([folder.url.path])) }
            producer.close()
            #expect(error?.code == .badRecord)
            #expect(error?.message.contains("bad-lines.jsonl:2") == true)
            let documents = try TopicReader.readAll(servers: servers, topic: topics.raw, expected: 1)
            #expect(documents.count == 1)
        }
    }
}
