import Augmentation
import Shards
import Foundation
import Inference
import Testing
import Tokenization

/// One engine with SmolLM2 for the whole test process.
enum EngineFixture {
    static let engine: InferenceEngine = InferenceEngine(configuration: InferenceConfiguration(contextTokens: 512))

    static func estimator(scoringTokens: Int = 128) async throws -> DifficultyEstimator {
        let generator = try TestFixtures.generator()
        if await engine.tokenizer == nil { try await engine.load(path: try TestFixtures.modelPath()) }
        return DifficultyEstimator(
            backend: engine, tokenizer: generator.tokenizer, chatTemplate: generator.chatTemplate,
            scoringTokens: scoringTokens)
    }
}

@Suite struct DifficultyEstimatorTests {
    @Test func structuralFeaturesSeeMathematicsAndCode() {
        let math = StructuralFeatures(text: #"Solve $x^2 - 5x + 6 = 0$: by \frac{5 \pm 1}{2}, x = 2 or x = 3."#)
        let prose = StructuralFeatures(text: "The orchard blooms in spring and the village gathers for the fair.")
        let code = StructuralFeatures(text: "```python\ndef area(r):\n    return 3.14 * r * r\n```\n")
        #expect(math.latexCommandsPerThousand > 0 && prose.latexCommandsPerThousand == 0)
        #expect(math.equationsPerThousand > prose.equationsPerThousand)
        #expect(math.digitFraction > prose.digitFraction)
        #expect(code.codeMarkersPerThousand > prose.codeMarkersPerThousand)
        #expect(prose.averageWordLength > 3 && prose.averageWordLength < 7)
    }

    @Test func ratingReadsFourDistinctLabelTokenSets() async throws {
        let estimator = try await EngineFixture.estimator()
        let ids = estimator.ratingLabelTokenIDs
        #expect(ids.count == 4)
        for level in ReasoningLevel.allCases { #expect(!(ids[level] ?? []).isEmpty) }
    }

    @Test func featuresOfARealDocumentAreFinite() async throws {
        let estimator = try await EngineFixture.estimator()
        let record = try TestFixtures.sharedRecord("math500.jsonl", id: "math500-test/algebra/1349")
        let features = try await estimator.features(for: record["text"] as! String)
        #expect(features.meanTokenLoss.isFinite && features.meanTokenLoss > 0)
        #expect(features.scoredTokenCount > 0)
        let total = features.ratingProbabilities.values.reduce(0, +)
        #expect(abs(total - 1) < 1e-9)
        #expect(features.ratingLabelMass > 0 && features.ratingLabelMass <= 1)
        for (name, value) in features.namedValues { #expect(value.isFinite, "\(name) = \(value)") }
    }

    @Test func emptyDocumentsThrowANamedError() async throws {
        let estimator = try await EngineFixture.estimator()
        await #expect(throws: AugmentationError.self) { try await estimator.features(for: "") }
    }
}
