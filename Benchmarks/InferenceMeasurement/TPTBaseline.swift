import Augmentation
import Foundation
import GGUF
import Generation
import Inference
import Tokenization

/// The bare engine's generation speed on the prompts `thinkstream augment` builds: one TPT-template prompt per
/// document (the document cut to 2048 tokens), the augmenter's sampling and stop string, every document submitted
/// at once and batched by the engine with augment's settings (context 4096, 16 sequences, 512-token steps).
struct TPTBaseline {
    let engine: InferenceEngine
    let modelPath: String

    func run(corpus: String, maxThinkingTokens: Int) async throws {
        let file = try GGUFFile(path: modelPath)
        let vocabulary = try Vocabulary(metadata: file.metadata)
        let tokenizer = try Tokenizer(vocabulary: vocabulary)
        let chatTemplate = ChatTemplate(
            templateText: file.metadata.string("tokenizer.chat_template"), vocabulary: vocabulary)
        let builder = PromptBuilder(tokenizer: tokenizer, chatTemplate: chatTemplate)
        let lines = try String(contentsOfFile: corpus, encoding: .utf8).split(separator: "\n")
        var requests: [GenerationRequest] = []
        for (index, line) in lines.enumerated() {
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let text = object["text"] as? String
            else { continue }
            let seed = UInt64(index) &* 0x9E37_79B9_7F4A_7C15
            let prompt = builder.build(document: text, template: .tptDefault, seed: seed)
            requests.append(
                GenerationRequest(
                    id: "\(index)",
                    prompt: .tokens(tokenizer.encode(prompt.text, addSpecial: true, parseSpecial: true)),
                    maxNewTokens: maxThinkingTokens,
                    sampling: SamplingParameters(temperature: 0.6, topP: 0.9, seed: seed),
                    stopStrings: ["</think>"]))
        }
        let start = ContinuousClock.now
        let results = try await engine.generateAll(requests)
        let seconds = (ContinuousClock.now - start).seconds
        let tokens = results.reduce(0) { $0 + $1.tokens.count }
        let promptTokens = results.reduce(0) { $0 + $1.promptTokenCount }
        report(
            String(
                format:
                    "tpt-baseline: %d prompts (%d prompt tokens), %d tokens generated in %.1f s: %.1f generated tokens/s",
                results.count, promptTokens, tokens, seconds, Double(tokens) / seconds))
    }
}
