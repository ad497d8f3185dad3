import Augmentation
import Testing
import Tokenization

@Suite struct SampleComposerTests {
    static let document = "Newton's second law: F = ma. A 2 kg cart pushed with 6 N accelerates at 3 m/s².\n"
    static let thinking =
        "  <think>\nForce is what changes motion; mass resists it. 6 / 2 = 3, so a = 3 m/s².\n</think>\nAnswer: 3"

    @Test func textFollowsTheFrozenFormat() throws {
        let tokenizer = try TestFixtures.generator().tokenizer
        let sample = SampleComposer().compose(document: Self.document, thinking: Self.thinking, tokenizer: tokenizer)
        #expect(SampleComposer.formatVersion == 1)
        #expect(
            sample.text
                == Self.document
                + "\n\n<think>\nForce is what changes motion; mass resists it. 6 / 2 = 3, so a = 3 m/s².\n</think>\n")
        #expect(sample.textByteCount == sample.text.utf8.count)
    }

    @Test func byteSpansSliceBackToDocumentAndThinking() throws {
        let tokenizer = try TestFixtures.generator().tokenizer
        let sample = SampleComposer().compose(document: Self.document, thinking: Self.thinking, tokenizer: tokenizer)
        let bytes = Array(sample.text.utf8)
        #expect(String(decoding: bytes[sample.documentSpan], as: UTF8.self) == Self.document)
        #expect(
            String(decoding: bytes[sample.thinkingSpan], as: UTF8.self)
                == "Force is what changes motion; mass resists it. 6 / 2 = 3, so a = 3 m/s².")
    }

    @Test func tokenRangesDecodeBackToDocumentAndThinking() throws {
        let tokenizer = try TestFixtures.generator().tokenizer
        let sample = SampleComposer().compose(document: Self.document, thinking: Self.thinking, tokenizer: tokenizer)
        #expect(tokenizer.decode(sample.tokens) == sample.text)
        #expect(tokenizer.decode(Array(sample.tokens[sample.documentTokenRange])) == Self.document)
        #expect(
            tokenizer.decode(Array(sample.tokens[sample.thinkingTokenRange]))
                == SampleComposer.cleanedThinking(Self.thinking))
        #expect(sample.documentTokenRange.lowerBound == 0)
        #expect(sample.thinkingTokenRange.lowerBound > sample.documentTokenRange.upperBound)
        #expect(sample.thinkingTokenRange.upperBound < sample.tokens.count)
    }

    @Test func cleaningDropsEverythingAfterTheClosingTag() {
        #expect(SampleComposer.cleanedThinking("a b c </think> tail </think>") == "a b c")
        #expect(SampleComposer.cleanedThinking("\n\n<think>x</think>") == "x")
        #expect(SampleComposer.cleanedThinking("   ") == "")
    }
}
