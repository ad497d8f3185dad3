import Testing
import Tokenization

@Suite struct VocabularyTests {
    /// A tiny byte-level vocabulary.
    static func tinyByteLevelVocabulary(pre: String = "gpt2") throws -> Vocabulary {
        // Letters a-c and the space byte ("Ġ" in the GPT-2 alphabet), merged pieces, and a control token.
        let tokens = ["a", "b", "c", "Ġ", "ab", "abc", "Ġab", "<|end|>"]
        var types = [TokenType](repeating: .normal, count: tokens.count)
        types[7] = .control
        return try Vocabulary(
            tokens: tokens, tokenTypes: types, merges: ["a b", "ab c", "Ġ ab"], model: .bytePairEncoding,
            preTokenizer: pre, eosID: 7)
    }

    @Test func mergesApplyInRankOrderAndControlTokensParseOnlyWhenAsked() throws {
        let tokenizer = try Tokenizer(vocabulary: try Self.tinyByteLevelVocabulary())
        #expect(tokenizer.encode("abc ab", addSpecial: false) == [5, 6])
        #expect(tokenizer.encode("ab<|end|>", parseSpecial: true) == [4, 7])
        #expect(tokenizer.vocabulary.endOfGenerationIDs == [7])
        #expect(tokenizer.decode([5, 6]) == "abc ab")
        #expect(tokenizer.decode([7]) == "")
        #expect(tokenizer.decode([7], unparseSpecial: true) == "<|end|>")
    }

    @Test func unsupportedPreTokenizerIsNamed() throws {
        let error = #expect(throws: TokenizationError.self) {
            try Tokenizer(vocabulary: try Self.tinyByteLevelVocabulary(pre: "llama3"))
        }
        #expect(error?.code == .unsupportedModel)
        #expect(error?.message.contains("llama3") == true)
        #expect(error?.message.contains("qwen2") == true)
    }

    @Test func mismatchedArraysAreRejected() {
        let error = #expect(throws: TokenizationError.self) {
            try Vocabulary(tokens: ["a", "b"], scores: [0], model: .sentencePiece)
        }
        #expect(error?.code == .inconsistentVocabulary)
        #expect(throws: TokenizationError.self) { try Vocabulary(tokens: ["a"], model: .sentencePiece, bosID: 5) }
    }
}
