import Augmentation
import Foundation
import Inference
import Tokenization

/// Writes `{id, corpus, domain, label, level, features, structural, meanTokenLoss, …, seconds}` per document.
struct FeatureDump {
    let engine: InferenceEngine
    let tokenizer: Tokenizer
    let chatTemplate: ChatTemplate

    func run(_ sample: LabelledSample, to output: FileHandle) async throws {
        let estimator = DifficultyEstimator(backend: engine, tokenizer: tokenizer, chatTemplate: chatTemplate)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let start = ContinuousClock.now
        for (index, document) in sample.documents.enumerated() {
            let began = ContinuousClock.now
            let features = try await estimator.features(for: document.text)
            let record = FeatureRecord(
                id: document.id, corpus: document.corpus, domain: document.domain, label: document.label,
                level: document.level, characters: document.text.count, features: features.namedValues,
                scoredTokenCount: features.scoredTokenCount, truncatedForScoring: features.truncatedForScoring,
                seconds: (ContinuousClock.now - began).seconds)
            output.write(try encoder.encode(record) + Data("\n".utf8))
            if index % 25 == 0 {
                let elapsed = (ContinuousClock.now - start).seconds
                FileHandle.standardError.write(
                    Data(String(format: "%d/%d documents, %.0f s\n", index + 1, sample.documents.count, elapsed).utf8))
            }
        }
    }
}

struct FeatureRecord: Encodable {
    var id, corpus, domain, label: String
    var level: Int?
    var characters: Int
    var features: [String: Double]
    var scoredTokenCount: Int
    var truncatedForScoring: Bool
    var seconds: Double
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
