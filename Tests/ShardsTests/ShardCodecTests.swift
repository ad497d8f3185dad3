import Foundation
import Generation
import JSON
import Pipeline
import Shards
import Testing
import ThinkStreamTesting

@Suite struct ShardCodecTests {
    static func sample(_ index: Int, level: ReasoningLevel = .basic) -> ShardSample {
        let document = "Document \(index) text."
        let thinking = "Thinking about document \(index)."
        let text = document + "\n\n<think>\n" + thinking + "\n</think>\n"
        let documentEnd = document.utf8.count
        let thinkingStart = documentEnd + "\n\n<think>\n".utf8.count
        return ShardSample(
            sampleID: String(repeating: String(index % 10), count: 64), documentID: "doc-\(index)",
            source: .init(topic: "t.raw", partition: Int32(index % 2), offset: Int64(index)), text: text,
            tokenIDs: Array(0..<12),
            documentSpan: .init(byteStart: 0, byteEnd: documentEnd, tokenStart: 0, tokenEnd: 4),
            thinkingSpan: .init(
                byteStart: thinkingStart, byteEnd: thinkingStart + thinking.utf8.count, tokenStart: 6, tokenEnd: 11),
            difficultyScore: 0.42, level: level, trajectoryIndex: 0, seed: UInt64(index) &* 0x9E37_79B9_7F4A_7C15,
            templateID: "tpt-default", templateVersion: 1, thinkingTokenCount: 9, finishReason: .stop, capHit: false,
            attempts: 1, focusCharacterOffset: nil)
    }

    static let generator = ShardManifest.Generator(
        modelFile: "SmolLM2-135M-Instruct.Q4_1.gguf", modelSHA256: String(repeating: "b", count: 64),
        templateID: "tpt-default", templateVersion: 1, temperature: 0.6, topP: 0.9,
        maxThinkingTokensByLevel: [.none: 256, .advanced: 768], upsamplingMode: "tiered")

    private func built(_ count: Int) throws -> (manifest: ShardManifest, value: [UInt8]) {
        var builder = ShardBuilder(limits: .init(maxSamples: 100))
        for index in 0..<count {
            builder.add(Self.sample(index, level: index.isMultiple(of: 3) ? .advanced : .basic))
            builder.cover(topic: "t.raw", partition: Int32(index % 2), offset: Int64(index))
        }
        builder.addDeadLetter()
        builder.cover(topic: "t.raw", partition: 0, offset: 40)
        return try builder.build(generator: Self.generator, tokenizer: "SmolLM2-135M-Instruct.Q4_1.gguf")
    }

    @Test func shardRoundTripsAndItsManifestAndSamplesValidate() throws {
        let (manifest, value) = try built(7)
        let (decoded, samples) = try ShardCodec.decode(value, source: "test")
        #expect(decoded == manifest)
        #expect(samples == (0..<7).map { Self.sample($0, level: $0.isMultiple(of: 3) ? .advanced : .basic) })
        #expect(manifest.difficultyHistogram == [.advanced: 3, .basic: 4])
        #expect(
            manifest.inputs.map { [$0.partition, Int32($0.firstOffset), Int32($0.lastOffset)] } == [
                [0, 0, 40], [1, 1, 5],
            ])
        #expect(manifest.tokenCounts == .init(document: 28, thinking: 35, total: 84))
        #expect(manifest.deadLetterCount == 1)

        let payload = try ZstdDecompressor.decompress(value, source: "test")
        let lines = payload.split(separator: 0x0A).map(Array.init)
        let manifestProblems = try JSONSchemaValidator(schemaFile: "shard-manifest.v1.json").validate(
            try JSONParser.parse(lines[0]))
        #expect(manifestProblems.isEmpty, "\(manifestProblems)")
        let sampleValidator = try JSONSchemaValidator(schemaFile: "shard-sample.v1.json")
        for line in lines.dropFirst() {
            let problems = sampleValidator.validate(try JSONParser.parse(line))
            #expect(problems.isEmpty, "\(problems)")
        }
    }

    @Test func aManifestRecordingPenaltiesAndDifficultyWeightsValidates() throws {
        var generator = Self.generator
        generator.repetitionControl = .init(
            repetitionPenalty: 1.1, presencePenalty: 0, frequencyPenalty: 0.3, penaltyWindowTokens: 256,
            noRepeatNGramTokens: 8)
        generator.difficultyWeights = "*"
        var builder = ShardBuilder(limits: .init(maxSamples: 10))
        builder.add(Self.sample(0))
        builder.cover(topic: "t.raw", partition: 0, offset: 0)
        let (manifest, value) = try builder.build(generator: generator, tokenizer: "SmolLM2-135M-Instruct.Q4_1.gguf")
        #expect(try ShardCodec.decode(value, source: "test").manifest == manifest)
        let lines = try ZstdDecompressor.decompress(value, source: "test").split(separator: 0x0A).map(Array.init)
        let text = String(decoding: lines[0], as: UTF8.self)
        #expect(
            text.contains(#""no_repeat_n_gram_tokens":8"#) && text.contains(#""difficulty_weights":"*""#), "\(text)")
        let validator = try JSONSchemaValidator(schemaFile: "shard-manifest.v1.json")
        #expect(validator.validate(try JSONParser.parse(lines[0])).isEmpty)
        // The schema refuses a non-positive repetition penalty.
        let bad = text.replacingOccurrences(of: #""repetition_penalty":1.1"#, with: #""repetition_penalty":0"#)
        #expect(!validator.validate(try JSONParser.parse(Array(bad.utf8))).isEmpty)
    }

    @Test func shardIDDependsOnlyOnTheSetOfSampleIDs() throws {
        var forward = ShardBuilder(limits: .init())
        var backward = ShardBuilder(limits: .init())
        for index in 0..<5 { forward.add(Self.sample(index)) }
        for index in (0..<5).reversed() { backward.add(Self.sample(index)) }
        #expect(forward.shardID() == backward.shardID())
        backward.add(Self.sample(9))
        #expect(forward.shardID() != backward.shardID())
    }

    @Test func corruptionIsDetected() throws {
        let (_, value) = try built(3)
        var payload = try ZstdDecompressor.decompress(value, source: "test")
        payload[payload.count - 20] ^= 0x01
        let tampered = try ZstdCompressor.compress(payload)
        let mismatch = #expect(throws: ShardsError.self) { try ShardCodec.decode(tampered, source: "shards[0]@7") }
        #expect(mismatch?.code == .checksumMismatch)
        #expect(mismatch?.message.hasPrefix("shards[0]@7") == true)
        let truncated = #expect(throws: ShardsError.self) {
            try ShardCodec.decode(Array(value.dropLast(9)), source: "x")
        }
        #expect(truncated?.code == .truncatedCompressedData || truncated?.code == .corruptCompressedData)
        let garbage = #expect(throws: ShardsError.self) {
            try ShardCodec.decode([1, 2, 3, 4, 5, 6, 7, 8], source: "x")
        }
        #expect(garbage?.code == .corruptCompressedData)
    }

    @Test func limitsCloseTheShard() {
        var builder = ShardBuilder(limits: .init(maxSamples: 2, maxBytes: 1 << 30, maxAge: .seconds(3600)))
        builder.add(Self.sample(0))
        #expect(!builder.isFull())
        builder.add(Self.sample(1))
        #expect(builder.isFull())
        var aged = ShardBuilder(limits: .init(maxSamples: 100, maxBytes: 1 << 30, maxAge: .seconds(1)))
        aged.cover(topic: "t", partition: 0, offset: 0)
        #expect(aged.isFull(now: .now + .seconds(2)))
    }
}

@Suite struct ShardDecompressionLimitTests {
    /// A 64 MiB expansion of a few kilobytes is refused at the cap, naming the record, before it is held whole.
    @Test func aShardThatExpandsBeyondTheCapIsRefused() throws {
        let bomb = try ZstdCompressor.compress([UInt8](repeating: 0x7B, count: 64 << 20))
        #expect(bomb.count < 64 << 10)
        let error = #expect(throws: ShardsError.self) {
            _ = try ShardCodec.decode(bomb, source: "shards[0]@7", maxDecompressedBytes: 1 << 20)
        }
        #expect(error?.code == .decompressedTooLarge)
        #expect(error?.message.contains("shards[0]@7") == true && error?.message.contains("1048576-byte limit") == true)
        // Under the cap the same bytes decompress (and then fail as a shard, having no manifest line).
        let malformed = #expect(throws: ShardsError.self) {
            _ = try ShardCodec.decode(bomb, source: "s", maxDecompressedBytes: 128 << 20)
        }
        #expect(malformed?.code == .malformedShard)
        #expect(ShardCodec.defaultMaxDecompressedBytes == 256 << 20)
    }
}
