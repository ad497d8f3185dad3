import Augmentation
import Foundation
import Generation
import Inference
import Tokenization

/// Generates one thinking trajectory per document with the default prompt (temperature 0.6, top-p 0.9, a token
/// cap, stop at `</think>`) and writes the gate's verdict and measurements per trajectory.
struct TrajectoryDump {
    let engine: InferenceEngine
    let tokenizer: Tokenizer
    let chatTemplate: ChatTemplate
    let cap: Int
    /// Document truncation for the prompt (2048 in production; smaller here to bound prefill time).
    let maxDocumentTokens: Int

    func run(_ documents: [LabelledDocument], to output: FileHandle) async throws {
        let builder = PromptBuilder(
            tokenizer: tokenizer, chatTemplate: chatTemplate, maxDocumentTokens: maxDocumentTokens)
        let policy = UpsamplingPolicy()
        let gate = TrajectoryGate()
        var requests: [GenerationRequest] = []
        var texts: [String: String] = [:]
        for document in documents {
            let prompt = builder.build(document: document.text, template: .tptDefault, seed: 0)
            texts[document.id] = builder.truncatedDocument(document.text)
            let sampling = SamplingParameters(
                temperature: 0.6, topP: 0.9, seed: policy.seed(documentID: document.id, trajectoryIndex: 0, attempt: 0))
            requests.append(
                GenerationRequest(
                    id: document.id, prompt: .text(prompt.text), maxNewTokens: cap, sampling: sampling,
                    stopStrings: ["</think>"]))
        }
        let start = ContinuousClock.now
        let results = try await engine.generateAll(requests)
        let elapsed = (ContinuousClock.now - start).seconds
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let byID = Dictionary(uniqueKeysWithValues: documents.map { ($0.id, $0) })
        for result in results {
            let document = texts[result.id] ?? ""
            let verdict = gate.evaluate(
                thinking: result.text, document: document, finishReason: result.finishReason,
                generatedTokens: result.tokens.count)
            let measured = gate.measure(thinking: result.text, document: document)
            let record = TrajectoryRecord(
                id: result.id, label: byID[result.id]?.label ?? "", domain: byID[result.id]?.domain ?? "",
                finishReason: result.finishReason.rawValue, generatedTokens: result.tokens.count,
                promptTokens: result.promptTokenCount, verdict: verdict.label,
                repeatedNGramFraction: measured.repeatedNGramFraction,
                copiedNGramFraction: measured.copiedNGramFraction,
                batchSeconds: elapsed, thinking: result.text)
            output.write(try encoder.encode(record) + Data("\n".utf8))
        }
    }
}

struct TrajectoryRecord: Encodable {
    var id, label, domain, finishReason: String
    var generatedTokens, promptTokens: Int
    var verdict: String
    var repeatedNGramFraction, copiedNGramFraction, batchSeconds: Double
    var thinking: String
}

extension TrajectoryVerdict {
    var label: String {
        switch self {
        case .accepted: return "accepted"
        case .rejected(let reason): return reason.rawValue
        }
    }
}
