import Foundation
import Shards

/// Turns ``DifficultyFeatures`` into a score in [0, 1] and a ``ReasoningLevel`` with fitted ``DifficultyWeights``.
public struct DifficultyScorer: Sendable {
    /// The weights in use.
    public let weights: DifficultyWeights

    /// Creates a scorer.
    ///
    /// - Parameters:
    ///   - weights: validated weights; the default is the generator-independent structural fit.
    public init(weights: DifficultyWeights = .structural) {
        self.weights = weights
    }

    /// The score and its level. Version 2: σ(reasoning) when it is below 0.5, else 0.5 + 0.5 σ(depth); version 1:
    /// σ(reasoning). Model features of a document scored without them (``DifficultyFeatures/hasModelFeatures``
    /// false) take their means, so they contribute nothing.
    ///
    /// - Parameters:
    ///   - features: the document's features.
    public func score(_ features: DifficultyFeatures) -> (score: Double, level: ReasoningLevel) {
        var values = features.namedValues
        if !features.hasModelFeatures {
            for name in DifficultyWeights.modelFeatureNames { values[name] = nil }
        }
        let reasoning = Self.sigmoid(weights.reasoning.logit(values))
        var score = reasoning
        if let depth = weights.depth, reasoning >= 0.5 {
            score = 0.5 + 0.5 * Self.sigmoid(depth.logit(values))
        }
        return (score, level(for: score))
    }

    /// The level of a score: the number of thresholds it reaches.
    public func level(for score: Double) -> ReasoningLevel {
        let reached = weights.levelThresholds.filter { score >= $0 }.count
        return ReasoningLevel.allCases[reached]
    }

    private static func sigmoid(_ x: Double) -> Double { 1 / (1 + exp(-x)) }
}
