import ThinkStreamTesting
import Testing
import Tokenization

@Suite struct ChatTemplateTests {
    @Test(arguments: TestPaths.modelNames)
    func chatPromptsRenderLikeGolden(model: String) throws {
        let loaded = try ModelTokenizers.model(model)
        let template = ChatTemplate(templateText: loaded.chatTemplateText, vocabulary: loaded.tokenizer.vocabulary)
        let greedy = try TestPaths.goldenJSON(model, "greedy.json")
        var checked = 0
        for prompt in try #require(greedy["prompts"] as? [[String: Any]]) where prompt["chat"] as? Bool == true {
            let rawMessages = try #require(prompt["messages"] as? [[String: String]])
            let messages = rawMessages.map { ChatMessage(role: $0["role"]!, content: $0["content"]!) }
            #expect(template.render(messages) == prompt["prompt"] as? String, "\(prompt["id"]!)")
            checked += 1
        }
        #expect(checked == 3)
    }

    @Test func templatesAreRecognizedFromText() {
        #expect(ChatTemplate(templateText: "{{ '<start_of_turn>' }}") == .gemma)
        #expect(ChatTemplate(templateText: "{{ message.content }}") == .plain)
        #expect(ChatTemplate(templateText: nil) == .plain)
        #expect(
            ChatTemplate(templateText: "{{'<|im_start|>' + message['role'] + '\n'}}")
                == .chatML(defaultSystemMessage: nil))
    }

    @Test func plainFallbackAddsGenerationPrompt() {
        let messages = [ChatMessage(role: "user", content: "Hi")]
        #expect(ChatTemplate.plain.render(messages) == "user: Hi\nassistant: ")
        #expect(ChatTemplate.plain.render(messages, addGenerationPrompt: false) == "user: Hi\n")
    }
}
