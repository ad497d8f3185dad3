import Augmentation
import Testing
import Tokenization

@Suite struct PromptBuilderTests {
    static let system =
        "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n"

    @Test func versionOneRendersThePaperPromptAsOneUserTurn() throws {
        let generator = try TestFixtures.generator()
        let builder = PromptBuilder(tokenizer: generator.tokenizer, chatTemplate: generator.chatTemplate)
        let prompt = builder.build(
            document: "Water boils at 100 °C at sea level.", template: .tptDefaultVersion1, seed: 7)
        let expected =
            Self.system + "<|im_start|>user\nWater boils at 100 °C at sea level.\n\n## End of the context\n\n"
            + "Simulate an expert's in-depth thought process as they analyze the above context, focusing on complex "
            + "and informative aspects. Skip trivial details. Use Feynman technique whenever possible to ensure a "
            + "deep understanding.<|im_end|>\n<|im_start|>assistant\n"
        #expect(prompt.text == expected)
        #expect(prompt.templateID == "tpt-default")
        #expect(prompt.templateVersion == 1)
        #expect(try PromptTemplate.named("tpt-default", version: 1) == .tptDefaultVersion1)
        #expect(prompt.focusCharacterOffset == nil)
        #expect(!prompt.documentTruncated)
        #expect(
            prompt.documentTokenCount
                == generator.tokenizer.encode("Water boils at 100 °C at sea level.", addSpecial: false).count)
    }

    @Test func versionTwoOpensTheAssistantTurnInsideTheThinkingBlock() throws {
        let generator = try TestFixtures.generator()
        let builder = PromptBuilder(tokenizer: generator.tokenizer, chatTemplate: generator.chatTemplate)
        let document = "Water boils at 100 °C at sea level."
        let version1 = builder.build(document: document, template: .tptDefaultVersion1, seed: 7)
        let version2 = builder.build(document: document, template: .tptDefault, seed: 7)
        #expect(version2.text == version1.text + "<think>\n")
        #expect(version2.templateVersion == 2)
        #expect(try PromptTemplate.named("tpt-default") == .tptDefault)
        #expect(throws: AugmentationError.self) { try PromptTemplate.named("tpt-default", version: 9) }
        // A generator that thinks natively opens the block itself: the prompt stays as the chat template ends it.
        let native = PromptBuilder(
            tokenizer: generator.tokenizer, chatTemplate: generator.chatTemplate, nativeThinkingMode: true)
        #expect(native.build(document: document, template: .tptDefault, seed: 7).text == version1.text)
        #expect(PromptBuilder.hasNativeThinkingMode(chatTemplateText: "{% if '<think>' in content %}"))
        #expect(!PromptBuilder.hasNativeThinkingMode(chatTemplateText: "<|im_start|>{{ role }}"))
    }

    @Test func randomFocusRendersTheMarkerAtTheRecordedOffset() throws {
        let generator = try TestFixtures.generator()
        let builder = PromptBuilder(tokenizer: generator.tokenizer, chatTemplate: generator.chatTemplate)
        let document = "The quick brown fox jumps over the lazy dog near the river bank."
        let prompt = builder.build(document: document, template: .randomFocusVersion1, seed: 42)
        let offset = try #require(prompt.focusCharacterOffset)
        let characters = Array(document)
        let marked = String(characters[..<offset]) + "<<<READING HERE>>>" + String(characters[offset...])
        let expected =
            Self.system + "<|im_start|>user\n\(marked)\n\n## End of the context\n\n"
            + "Simulate an expert's in-depth thought process as they analyze the above context, focusing on the text "
            + "right after the <<<READING HERE>>> marker and on its complex and informative aspects. Skip trivial "
            + "details. Use Feynman technique whenever possible to ensure a deep understanding.<|im_end|>\n"
            + "<|im_start|>assistant\n"
        #expect(prompt.text == expected)
        #expect(prompt.templateID == "random-focus")
        #expect(offset > 0 && offset < characters.count)
        #expect(characters[offset - 1] == " " && characters[offset] != " ")
    }

    @Test func randomFocusIsDeterministicPerSeedAndVariesAcrossSeeds() throws {
        let generator = try TestFixtures.generator()
        let builder = PromptBuilder(tokenizer: generator.tokenizer, chatTemplate: generator.chatTemplate)
        let document = (0..<60).map { "word\($0)" }.joined(separator: " ")
        var offsets: Set<Int> = []
        for seed: UInt64 in 0..<8 {
            let first = builder.build(document: document, template: .randomFocus, seed: seed)
            let again = builder.build(document: document, template: .randomFocus, seed: seed)
            #expect(first == again)
            offsets.insert(try #require(first.focusCharacterOffset))
        }
        #expect(offsets.count >= 4)
    }

    @Test func documentsAreCutTo2048GeneratorTokens() throws {
        let generator = try TestFixtures.generator()
        let builder = PromptBuilder(tokenizer: generator.tokenizer, chatTemplate: generator.chatTemplate)
        let document = (0..<3000).map { "token\($0 % 97) é" }.joined(separator: " ")
        let prompt = builder.build(document: document, template: .tptDefault, seed: 0)
        #expect(prompt.documentTruncated)
        #expect(prompt.documentTokenCount == 2048)
        let kept = builder.truncatedDocument(document)
        #expect(document.hasPrefix(kept))
        #expect(prompt.text.contains(kept + "\n\n## End of the context"))
        let tokens = generator.tokenizer.encode(document, addSpecial: false, parseSpecial: false)
        let keptBytes = generator.tokenizer.decodeBytes(Array(tokens.prefix(2048)))
        #expect(kept.utf8.count <= keptBytes.count && kept.utf8.count >= keptBytes.count - 3)
    }

    @Test func truncationNeverLeavesHalfACharacter() throws {
        let generator = try TestFixtures.generator()
        let builder = PromptBuilder(
            tokenizer: generator.tokenizer, chatTemplate: generator.chatTemplate, maxDocumentTokens: 5)
        let document = String(repeating: "数学的推理 ", count: 20)
        let kept = builder.truncatedDocument(document)
        #expect(document.hasPrefix(kept))
        #expect(!kept.contains("\u{FFFD}"))
        #expect(!kept.isEmpty)
    }
}
