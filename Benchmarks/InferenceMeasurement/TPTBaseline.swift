import Augmentation
import Foundation
import GGUF
import Generation
import Inference
import Tokenization

/// The bare engine's generation speed on the requests `thinkstream augment` makes: each document's TPT prompt as
/// the augmenter builds it (`TPTDocumentAugmenter.attemptRequest`: default template, the model's chat template and
/// thinking mode, the document cut to 2048 tokens), the augmenter's default sampling (temperature, top-p, repetition control, seeds) and stop string, and
/// every request submitted at once and batched by the engine with augment's settings (context 4096, 16 sequences,
/// 512-token steps, prompt prefixes shared).
///
/// A corpus line may carry augment's plan for the document (`thinkstream score --json`'s `trajectories` and
/// `maxThinkingTokens`): it then makes that many requests with that budget (capped at `maxThinkingTokens`), seeded
/// as augment seeds their first attempts. Without a plan, one request per document.
struct TPTBaseline {
    let engine: InferenceEngine
    let modelPath: String

    func run(corpus: String, maxThinkingTokens: Int) async throws {
        let file = try GGUFFile(path: modelPath)
        let vocabulary = try Vocabulary(metadata: file.metadata)
        let chatTemplateText = file.metadata.string("tokenizer.chat_template")
        // The file is not digested: the digest only keys difficulty weights, and the baseline does not score.
        let model = GeneratorModel(
            fileName: URL(fileURLWithPath: modelPath).lastPathComponent, sha256: "",
            tokenizer: try Tokenizer(vocabulary: vocabulary), chatTemplateText: chatTemplateText,
            chatTemplate: ChatTemplate(templateText: chatTemplateText, vocabulary: vocabulary))
        let augmenter = TPTDocumentAugmenter(
            model: model, configuration: TPTAugmenterConfiguration(), backend: engine)
        let lines = try String(contentsOfFile: corpus, encoding: .utf8).split(separator: "\n")
        var requests: [GenerationRequest] = []
        for (index, line) in lines.enumerated() {
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let text = object["text"] as? String
            else { continue }
            let id = object["id"] as? String ?? "\(index)"
            let trajectories = object["trajectories"] as? Int ?? 1
            let budget = min(object["maxThinkingTokens"] as? Int ?? maxThinkingTokens, maxThinkingTokens)
            for trajectory in 0..<trajectories {
                requests.append(
                    augmenter.attemptRequest(
                        documentID: id, text: text, trajectoryIndex: trajectory, attempt: 0,
                        maxThinkingTokens: budget
                    ).request)
            }
        }
        let usageBefore = await engine.promptTokenUsage
        let start = ContinuousClock.now
        let results = try await engine.generateAll(requests)
        let seconds = (ContinuousClock.now - start).seconds
        let usage = await engine.promptTokenUsage
        let tokens = results.reduce(0) { $0 + $1.tokens.count }
        let promptTokens = results.reduce(0) { $0 + $1.promptTokenCount }
        report(
            String(
                format:
                    "tpt-baseline: %d requests (%d prompt tokens: %d prefilled, %d copied), %d tokens generated in %.1f s: %.1f generated tokens/s",
                results.count, promptTokens, usage.prefilled - usageBefore.prefilled,
                usage.shared - usageBefore.shared, tokens, seconds, Double(tokens) / seconds))
    }
}
