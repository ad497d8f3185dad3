import Foundation
import Generation
import JSON
import Kafka
import Pipeline
import Shards
import ThinkStreamTesting

/// Shards for trainer tests, from real text of `shared/data`. Token ids are UTF-8 bytes (tokenizer "bytes"), so a
/// fresh `LlamaConfig.tiny` model (vocab 256, EOS = 0, the NUL byte) covers every id: the SmolLM2 vocabulary
/// (49,152) would make the tiny model's LM head dominate and the tests slow. Each sample is the document, then a
/// short thinking block restating its first sentence, with spans on byte (= token) offsets.
enum TrainFixtures {
    static let generator = ShardManifest.Generator(
        modelFile: "none", modelSHA256: String(repeating: "0", count: 64), templateID: "train-test", templateVersion: 1,
        temperature: 0, topP: 1, maxThinkingTokensByLevel: [.basic: 64], upsamplingMode: "natural")

    /// `(id, text, isMaths)` of the first `count` records of a shared corpus file, texts cut to `maxBytes` at a
    /// character boundary.
    static func documents(_ file: String, count: Int, maxBytes: Int = 600) throws -> [(id: String, text: String)] {
        let url = FixturePaths.dataDirectory.appendingPathComponent(file)
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").prefix(count)
        return try lines.map { line in
            let record = try JSONParser.parse(Array(line.utf8))
            var text = ""
            for character in record["text"]?.stringValue ?? "" {
                if text.utf8.count + String(character).utf8.count > maxBytes { break }
                text.append(character)
            }
            return (record["id"]?.stringValue ?? UUID().uuidString, text.replacingOccurrences(of: "\u{0}", with: " "))
        }
    }

    static func sample(
        id: String, text document: String, level: ReasoningLevel, offset: Int64, encode: ((String) -> [Int])? = nil
    ) -> ShardSample {
        let firstSentence = document.split(separator: ".").first.map(String.init) ?? document
        let thinking = "The key point: " + String(firstSentence.prefix(80))
        let text = document + "\n\n<think>\n" + thinking + "\n</think>\n"
        let documentBytes = document.utf8.count
        let thinkingStart = documentBytes + "\n\n<think>\n".utf8.count
        let sampleID = String(repeating: "0", count: max(0, 64 - id.utf8.count)) + id
        // Byte tokens: token offsets = byte offsets. A real tokenizer: spans from the token counts of the prefixes.
        let tokenIDs = encode?(text) ?? text.utf8.map(Int.init)
        let documentTokens = encode?(document).count ?? documentBytes
        let thinkingTokenStart =
            encode?(String(decoding: text.utf8.prefix(thinkingStart), as: UTF8.self)).count ?? thinkingStart
        let thinkingTokenEnd =
            encode?(String(decoding: text.utf8.prefix(thinkingStart + thinking.utf8.count), as: UTF8.self)).count
            ?? thinkingStart + thinking.utf8.count
        return ShardSample(
            sampleID: sampleID, documentID: id, source: .init(topic: "test.raw", partition: 0, offset: offset),
            text: text,
            tokenIDs: tokenIDs,
            documentSpan: .init(
                byteStart: 0, byteEnd: documentBytes, tokenStart: 0, tokenEnd: min(documentTokens, tokenIDs.count)),
            thinkingSpan: .init(
                byteStart: thinkingStart, byteEnd: thinkingStart + thinking.utf8.count,
                tokenStart: min(thinkingTokenStart, tokenIDs.count),
                tokenEnd: min(thinkingTokenEnd, tokenIDs.count)),
            difficultyScore: 0.5, level: level, trajectoryIndex: 0, seed: 1, templateID: "train-test",
            templateVersion: 1,
            thinkingTokenCount: thinking.utf8.count, finishReason: .stop, capHit: false, attempts: 1,
            focusCharacterOffset: nil)
    }

    /// Shards of `samplesPerShard` samples each, levels alternating "basic"/"advanced".
    static func shards(
        _ documents: [(id: String, text: String)], samplesPerShard: Int, tokenizer: String = "bytes",
        encode: ((String) -> [Int])? = nil
    ) throws -> [(manifest: ShardManifest, value: [UInt8], samples: [ShardSample])] {
        var result: [(manifest: ShardManifest, value: [UInt8], samples: [ShardSample])] = []
        for (shardIndex, first) in stride(from: 0, to: documents.count, by: samplesPerShard).enumerated() {
            var builder = ShardBuilder(limits: .init(maxSamples: samplesPerShard))
            for (index, document) in documents[first..<min(documents.count, first + samplesPerShard)].enumerated() {
                let offset = Int64(first + index)
                builder.add(
                    sample(
                        id: document.id, text: document.text, level: (first + index) % 2 == 0 ? .basic : .advanced,
                        offset: offset,
                        encode: encode))
                builder.cover(topic: "test.raw", partition: 0, offset: offset)
            }
            let (manifest, value) = try builder.build(
                generator: generator, tokenizer: tokenizer, createdAt: Date(timeIntervalSince1970: Double(shardIndex)))
            result.append((manifest, value, builder.samples))
        }
        return result
    }

    /// A shard whose sample lines do not match its manifest checksum.
    static func tamperedShard(_ documents: [(id: String, text: String)]) throws -> [UInt8] {
        let shard = try shards(documents, samplesPerShard: documents.count)[0]
        var (lines, _) = try ShardCodec.encodeSamples(shard.samples)
        let index = lines.firstIndex(of: UInt8(ascii: "e"))!
        lines[index] = UInt8(ascii: "E")
        return try ShardCodec.encode(manifest: shard.manifest, sampleLines: lines)
    }

    static func produce(servers: String, topic: String, values: [[UInt8]], keys: [String]) throws {
        let producer = try KafkaProducer(
            configuration: .init(
                client: .init(
                    bootstrapServers: servers, profile: .embedded, properties: ["message.max.bytes": "16777216"])),
            logger: TestLogging.logger)
        defer { producer.close() }
        for (value, key) in zip(values, keys) {
            try producer.send(topic: topic, key: Array(key.utf8), value: value, headers: [RecordSchema.shard.header])
        }
        try producer.flush(timeout: .seconds(10))
    }

    /// The sample ids listed in a step log, one entry per trained sample.
    static func stepLogIDs(_ path: String) -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").flatMap {
            $0.split(separator: " ").dropFirst(2).map(String.init)
        }
    }

    static func temporaryDirectory(_ name: String) -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "\(name)-\(UUID().uuidString.prefix(8))"
        ).path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
