import Foundation
import Shards

/// Everything the scorer combines for one document: structural features, the generator's per-token loss and its
/// own rating of the reasoning depth.
public struct DifficultyFeatures: Sendable, Hashable, Codable {
    /// Surface features of the whole document.
    public var structural: StructuralFeatures
    /// Mean negative log-likelihood per token (nats) of the scored prefix of the document under the generator.
    public var meanTokenLoss: Double
    /// The generator's rating: the next-token probabilities of the four level labels at the answer position of the
    /// rating prompt, normalized to sum to 1.
    public var ratingProbabilities: [ReasoningLevel: Double]
    /// Probability mass the generator put on the four labels' tokens before normalizing (how well it followed the
    /// rating format).
    public var ratingLabelMass: Double
    /// Document tokens scored (after truncation for scoring).
    public var scoredTokenCount: Int
    /// Whether the document was cut for scoring.
    public var truncatedForScoring: Bool
    /// Whether the model features (loss, rating) were measured; structural-only scoring skips both prefills.
    public var hasModelFeatures: Bool { scoredTokenCount > 0 }

    /// Structural features only: the model features are left at zero and ``hasModelFeatures`` is false.
    public init(structuralOnly structural: StructuralFeatures) {
        self.init(
            structural: structural, meanTokenLoss: 0, ratingProbabilities: [:], ratingLabelMass: 0, scoredTokenCount: 0,
            truncatedForScoring: false)
    }

    /// Creates a feature value.
    public init(
        structural: StructuralFeatures, meanTokenLoss: Double, ratingProbabilities: [ReasoningLevel: Double],
        ratingLabelMass: Double, scoredTokenCount: Int, truncatedForScoring: Bool
    ) {
        self.structural = structural
        self.meanTokenLoss = meanTokenLoss
        self.ratingProbabilities = ratingProbabilities
        self.ratingLabelMass = ratingLabelMass
        self.scoredTokenCount = scoredTokenCount
        self.truncatedForScoring = truncatedForScoring
    }

    /// The rating's expected level on a 0–1 scale: Σ p(level) · rank / 3.
    public var ratingExpectedLevel: Double {
        ReasoningLevel.allCases.reduce(0) { $0 + (ratingProbabilities[$1] ?? 0) * Double($1.rank) } / 3
    }

    /// Feature values by the names ``DifficultyWeights`` uses.
    public var namedValues: [String: Double] {
        var values: [String: Double] = [
            "digitFraction": structural.digitFraction,
            "mathSymbolsPerThousand": structural.mathSymbolsPerThousand,
            "latexCommandsPerThousand": structural.latexCommandsPerThousand,
            "equationsPerThousand": structural.equationsPerThousand,
            "codeMarkersPerThousand": structural.codeMarkersPerThousand,
            "averageWordLength": structural.averageWordLength,
            "questionMarksPerThousand": structural.questionMarksPerThousand,
            "logNonWhitespaceCount": log1p(Double(structural.nonWhitespaceCount)),
            "logWordCount": log1p(Double(structural.wordCount)),
            "logMathSymbolCount": log1p(Double(structural.mathSymbolCount)),
            "logLatexCommandCount": log1p(Double(structural.latexCommandCount)),
            "logEquationCount": log1p(Double(structural.equationCount)),
            "challengeKeywordCount": Double(structural.challengeKeywordCount),
            "meanTokenLoss": meanTokenLoss,
            "ratingExpectedLevel": ratingExpectedLevel,
            "ratingLabelMass": ratingLabelMass,
        ]
        for level in ReasoningLevel.allCases {
            values["rating.\(level.rawValue)"] = ratingProbabilities[level] ?? 0
        }
        return values
    }
}
