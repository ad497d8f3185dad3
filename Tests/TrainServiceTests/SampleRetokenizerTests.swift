import Augmentation
import Foundation
import ModelConversion
import Generation
import GGUF
import Pipeline
import Shards
import Testing
import ThinkStreamTesting

/// `SampleRetokenizer` against samples `SampleComposer` made with SmolLM2's tokenizer, as `augment` writes them.
@Suite struct SampleRetokenizerTests {
    static let document =
        "Newton's second law: F = ma. A 2 kg cart pushed with 6 N accelerates at 3 m/s².\n"
        + "  Indented <think> stays text; 日本語 and 😀 are multi-byte.  "
    static let thinking =
        "  <think>\nForce changes motion; 6 / 2 = 3, so a = 3 m/s² — as expected.\n</think>\nAnswer: 3"

    /// SmolLM2-135M's tokenizer, as `train --model` loads it.
    static func smolLM2() throws -> TrainTokenizer {
        try TrainModelSource.tokenizer(of: GGUFFile(path: try ModelFixtures.modelPath("SmolLM2-135M-Instruct.Q4_1")))
    }

    /// A shard sample as `augment` writes it: `SampleComposer` output in `tokenizer`, spans copied over.
    static func composedSample(id: String, document: String, thinking: String, tokenizer: TrainTokenizer) -> ShardSample
    {
        let composed = SampleComposer().compose(document: document, thinking: thinking, tokenizer: tokenizer.tokenizer!)
        let sampleID = String(repeating: "0", count: max(0, 64 - id.utf8.count)) + id
        return ShardSample(
            sampleID: sampleID, documentID: id, source: .init(topic: "test.raw", partition: 0, offset: 0),
            text: composed.text,
            tokenIDs: composed.tokens,
            documentSpan: .init(
                byteStart: composed.documentSpan.lowerBound, byteEnd: composed.documentSpan.upperBound,
                tokenStart: composed.documentTokenRange.lowerBound, tokenEnd: composed.documentTokenRange.upperBound),
            thinkingSpan: .init(
                byteStart: composed.thinkingSpan.lowerBound, byteEnd: composed.thinkingSpan.upperBound,
                tokenStart: composed.thinkingTokenRange.lowerBound, tokenEnd: composed.thinkingTokenRange.upperBound),
            difficultyScore: 0.5, level: .basic, trajectoryIndex: 0, seed: 1, templateID: "retokenize-test",
            templateVersion: 1,
            thinkingTokenCount: 0, finishReason: .stop, capHit: false, attempts: 1, focusCharacterOffset: nil)
    }

    @Test func toTheByteTokenizerIdsAreTheTextBytesAndTokenSpansAreByteSpans() throws {
        let smol = try Self.smolLM2()
        let sample = Self.composedSample(id: "a", document: Self.document, thinking: Self.thinking, tokenizer: smol)
        #expect(sample.tokenIDs.count < sample.text.utf8.count, "SmolLM2 merges bytes, so the ids really change")
        let bytes = try SampleRetokenizer(tokenizer: TrainModelSource.byteTokenizer()).retokenize(sample)
        #expect(bytes.tokenIDs == sample.text.utf8.map(Int.init))
        #expect(bytes.documentSpan.tokenStart == bytes.documentSpan.byteStart)
        #expect(bytes.documentSpan.tokenEnd == bytes.documentSpan.byteEnd)
        #expect(bytes.thinkingSpan.tokenStart == bytes.thinkingSpan.byteStart)
        #expect(bytes.thinkingSpan.tokenEnd == bytes.thinkingSpan.byteEnd)
        #expect(
            bytes.documentSpan.byteStart == sample.documentSpan.byteStart
                && bytes.thinkingSpan.byteEnd == sample.thinkingSpan.byteEnd)
        #expect(bytes.text == sample.text && bytes.sampleID == sample.sampleID)
    }

    @Test func toTheGeneratorsOwnTokenizerTheSampleIsUnchanged() throws {
        let smol = try Self.smolLM2()
        let retokenizer = SampleRetokenizer(tokenizer: smol)
        var samples = [Self.composedSample(id: "a", document: Self.document, thinking: Self.thinking, tokenizer: smol)]
        samples.append(
            Self.composedSample(id: "empty-thinking", document: "A short document.", thinking: "  ", tokenizer: smol))
        for (index, document) in try TrainFixtures.documents("fineweb_edu_excerpts.jsonl", count: 8, maxBytes: 600)
            .enumerated()
        {
            let thinking = "Restating: " + document.text.prefix(120)
            samples.append(
                Self.composedSample(id: "doc\(index)", document: document.text, thinking: thinking, tokenizer: smol))
        }
        // Tokenizing the whole text at once merges across the part boundaries: the parts must be tokenized apart.
        #expect(smol.encode(samples[0].text) != samples[0].tokenIDs)
        for sample in samples {
            let again = try retokenizer.retokenize(sample)
            #expect(again.tokenIDs == sample.tokenIDs, "\(sample.documentID)")
            #expect(
                again.documentSpan == sample.documentSpan && again.thinkingSpan == sample.thinkingSpan,
                "\(sample.documentID)")
            #expect(again == sample)
        }
    }

    @Test(arguments: [(10, 5, "out of order"), (0, 400, "out of order"), (-1, 3, "out of order")])
    func spansOutOfOrderOrOutsideTheTextAreRefused(documentStart: Int, documentEnd: Int, reason: String) throws {
        var sample = Self.composedSample(
            id: "bad", document: "A document.", thinking: "Some thinking.", tokenizer: try Self.smolLM2())
        sample.documentSpan.byteStart = documentStart
        sample.documentSpan.byteEnd = documentEnd
        let error = try #require(throws: PipelineError.self) {
            try SampleRetokenizer(tokenizer: TrainModelSource.byteTokenizer()).retokenize(sample)
        }
        #expect(error.code == .badRecord && error.message.contains(reason), "\(error.message)")
    }

    @Test func aSpanInsideAMultiByteCharacterIsRefused() throws {
        var sample = Self.composedSample(
            id: "split", document: "m/s²", thinking: "Units.", tokenizer: try Self.smolLM2())
        sample.documentSpan.byteEnd -= 1  // inside the two bytes of "²"
        let error = try #require(throws: PipelineError.self) {
            try SampleRetokenizer(tokenizer: TrainModelSource.byteTokenizer()).retokenize(sample)
        }
        #expect(error.message.contains("inside a multi-byte character"), "\(error.message)")
    }
}
