import Foundation

/// Turns ``DifficultyFeatures`` into a score in [0, 1] and a ``ReasoningLevel`` with fitted ``DifficultyWeights``.
public struct DifficultyScorer: Sendable {
    /// The weights in use.
    public let weights: DifficultyWeights

    /// Creates a scorer.
    ///
    /// - Parameters:
    ///   - weights: validated weights; the default is the committed fit.
    public init(weights: DifficultyWeights = .fitted) {
        self.weights = weights
    }

    /// The score σ(b + Σ cᵢ (xᵢ − μᵢ) / σᵢ) and its level. When no token was scored the loss feature takes its
    /// mean (contributes nothing).
    ///
    /// - Parameters:
    ///   - features: the document's features.
    public func score(_ features: DifficultyFeatures) -> (score: Double, level: ReasoningLevel) {
        let values = features.namedValues
        var logit = weights.intercept
        for (index, name) in weights.features.enumerated() {
            var value = values[name] ?? weights.means[index]
            if name == "meanTokenLoss" && features.scoredTokenCount == 0 { value = weights.means[index] }
            if !value.isFinite { value = weights.means[index] }
            logit += weights.coefficients[index] * (value - weights.means[index]) / weights.standardDeviations[index]
        }
        let score = 1 / (1 + exp(-logit))
        return (score, level(for: score))
    }

    /// The level of a score: the number of thresholds it reaches.
    public func level(for score: Double) -> ReasoningLevel {
        let reached = weights.levelThresholds.filter { score >= $0 }.count
        return ReasoningLevel.allCases[reached]
    }
}
