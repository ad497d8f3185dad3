import Foundation
import JSON
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
        try KafkaProducer(
            configuration: .init(client: .init(bootstrapServers: servers, profile: .embedded)),
            logger: TestLogging.logger)
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
            let admin = try KafkaAdmin(
                configuration: .init(bootstrapServers: servers, profile: .embedded), logger: TestLogging.logger)
            try TopicSetup.ensureTopics(topics, partitions: 3, admin: admin)
            let producer = try makeProducer(servers)
            let service = try FeedService(
                configuration: .init(topics: topics), producer: producer, logger: TestLogging.logger)
            let inputs = try FeedInput.expand(
                Self.corpora.map { FixturePaths.dataDirectory.appendingPathComponent($0).path })
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
        let compressed = try folder.write(
            "nested/more.jsonl.zst",
            try ZstdCompressor.compress(
                Array(#"{"id": "zst-1", "text": "A document inside a zstd frame."}"#.utf8) + [0x0A]))
        try folder.write("nested/deeper/note.txt", Array("A plain text file is one document.\n".utf8))
        try await withBroker { servers in
            try badLines(servers: servers, folder: folder, plain: plain, compressed: compressed)
        }
    }

    private func badLines(servers: String, folder: FeedFixtureFolder, plain: String, compressed: String) throws {
        do {
            let topics = TopicNames(prefix: "bad-\(UUID().uuidString.prefix(6).lowercased())")
            let admin = try KafkaAdmin(
                configuration: .init(bootstrapServers: servers, profile: .embedded), logger: TestLogging.logger)
            try TopicSetup.ensureTopics(topics, partitions: 2, admin: admin)
            let producer = try makeProducer(servers)
            let service = try FeedService(
                configuration: .init(topics: topics, maxDocumentBytes: BadLineFixture.maxDocumentBytes),
                producer: producer,
                logger: TestLogging.logger)
            var printed: [DeadLetter] = []
            let summary = try service.run(
                inputs: try FeedInput.expand([folder.url.path]), onDeadLetter: { printed.append($0) })
            producer.close()

            let expectedReasons = BadLineFixture.lines.compactMap(\.reason).sorted()
            #expect(summary.produced == 5)
            #expect(summary.duplicates == 1)
            #expect(summary.blankLines == 1)
            #expect(summary.deadLettered == expectedReasons.count)
            #expect(summary.read == 13)
            #expect(printed.map(\.reason.rawValue).sorted() == expectedReasons)
            #expect(printed.allSatisfy { $0.sourceFile == plain && $0.sourceLine != nil })

            let documents = try TopicReader.readAll(servers: servers, topic: topics.raw, expected: 5).map {
                try RawDocument.decode($0.value)
            }
            #expect(
                Set(documents.map(\.text)) == [
                    "The first good document.", "The second good document.", "A third good document without an id.",
                    "A document inside a zstd frame.", "A plain text file is one document.\n",
                ])
            let zstdDocument = documents.first { $0.id == "zst-1" }
            #expect(zstdDocument?.sourceFile == compressed && zstdDocument?.sourceLine == 1)
            #expect(
                documents.first { $0.id == "good-2" }.map { JSONValue.object($0.metadata) }
                    == .object([("lang", .string("en"))]))

            let letters = try TopicReader.readAll(
                servers: servers, topic: topics.deadLetters, expected: expectedReasons.count)
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
                    #expect(
                        Data(base64Encoded: value["raw"]!.stringValue!).map(Array.init) == BadLineFixture.lines[2].bytes
                    )
                }
            }
            #expect(reasons.sorted() == expectedReasons)
        }
    }

    /// Hostile input: a binary blob and an over-long JSON line in a JSONL file, a zstd bomb whose one line expands to
    /// 1 GiB, and a text file over the document limit. Each becomes one dead letter with its reason; the good lines
    /// around them land; nothing is held whole in memory.
    @Test func oversizedLinesBinaryBlobsAndZstdBombsAreDeadLettersNotMemory() async throws {
        let folder = try FeedFixtureFolder()
        defer { folder.cleanUp() }
        func line(_ id: String) -> [UInt8] {
            Array(#"{"id": "\#(id)", "text": "Good document \#(id)."}"#.utf8) + [0x0A]
        }
        var random = SystemRandomNumberGenerator()
        let blob = (0..<200_000).map { _ in UInt8.random(in: 0...255, using: &random) }.map { $0 == 0x0A ? 0 : $0 }
        let longJSON =
            Array(#"{"id": "long", "text": ""#.utf8) + [UInt8](repeating: 0x61, count: 50_000) + Array(#""}"#.utf8)
        let hostile = try folder.write(
            "hostile.jsonl", line("h1") + blob + [0x0A] + line("h2") + longJSON + [0x0A] + line("h3"))
        // Concatenated zstd frames decompress to their concatenation: 64 frames of 16 MiB of 'a' = one 1 GiB line.
        let frame = try ZstdCompressor.compress([UInt8](repeating: 0x61, count: 16 << 20))
        let bomb = try folder.write(
            "bomb.jsonl.zst",
            try ZstdCompressor.compress(line("z1")) + Array(repeating: frame, count: 64).flatMap { $0 }
                + (try ZstdCompressor.compress([0x0A] + line("z2"))))
        try folder.write("big.txt", [UInt8](repeating: 0x62, count: 5000))
        let peakBefore = Self.peakResidentBytes()
        try await withBroker { servers in
            let topics = TopicNames(prefix: "hostile-\(UUID().uuidString.prefix(6).lowercased())")
            let producer = try makeProducer(servers)
            let service = try FeedService(
                configuration: .init(topics: topics, maxDocumentBytes: 1000), producer: producer,
                logger: TestLogging.logger)
            var letters: [DeadLetter] = []
            let summary = try service.run(
                inputs: try FeedInput.expand([folder.url.path]), onDeadLetter: { letters.append($0) })
            producer.close()
            #expect(summary.produced == 5, "h1 h2 h3 z1 z2")
            #expect(summary.deadLettered == 4)
            let byFile = Dictionary(grouping: letters) { URL(fileURLWithPath: $0.sourceFile).lastPathComponent }
            #expect(byFile["hostile.jsonl"]?.map(\.reason.rawValue) == ["line_too_long", "line_too_long"])
            #expect(byFile["hostile.jsonl"]?.map(\.sourceLine) == [2, 4])
            #expect(byFile["hostile.jsonl"]?.first?.message.contains("line is 200000 bytes") == true)
            #expect(byFile["bomb.jsonl.zst"]?.map(\.reason.rawValue) == ["line_too_long"])
            #expect(byFile["bomb.jsonl.zst"]?.first?.message.contains("line is \(1 << 30) bytes") == true, "\(letters)")
            #expect(byFile["bomb.jsonl.zst"]?.first?.sourceLine == 2)
            #expect(byFile["big.txt"]?.map(\.reason.rawValue) == ["document_too_large"])
            #expect(byFile["big.txt"]?.first?.message.contains("5000 bytes") == true)
            let documents = try TopicReader.readAll(servers: servers, topic: topics.raw, expected: 5).map {
                try RawDocument.decode($0.value)
            }
            #expect(documents.map(\.id).sorted() == ["h1", "h2", "h3", "z1", "z2"])
        }
        // Whatever the process peaked at before, the 1 GiB line did not raise the peak by anything like its size.
        let peakGrowth = Self.peakResidentBytes() - peakBefore
        #expect(peakGrowth < 256 << 20, "peak resident memory grew by \(peakGrowth >> 20) MiB")
    }

    /// VmHWM of this process, in bytes.
    static func peakResidentBytes() -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
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
            let admin = try KafkaAdmin(
                configuration: .init(bootstrapServers: servers, profile: .embedded), logger: TestLogging.logger)
            try TopicSetup.ensureTopics(topics, partitions: 1, admin: admin)
            let producer = try makeProducer(servers)
            let service = try FeedService(
                configuration: .init(topics: topics, strict: true), producer: producer, logger: TestLogging.logger)
            let error = #expect(throws: PipelineError.self) {
                try service.run(inputs: try FeedInput.expand([folder.url.path]))
            }
            producer.close()
            #expect(error?.code == .badRecord)
            #expect(error?.message.contains("bad-lines.jsonl:2") == true)
            let documents = try TopicReader.readAll(servers: servers, topic: topics.raw, expected: 1)
            #expect(documents.count == 1)
        }
    }
}
