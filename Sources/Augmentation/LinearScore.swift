import Foundation

/// A linear function of standardized ``DifficultyFeatures``: b + Σ cᵢ (xᵢ − μᵢ) / σᵢ, the logit of one of the
/// two stages of ``DifficultyWeights``.
public struct LinearScore: Sendable, Hashable, Codable {
    /// Feature names, as in ``DifficultyFeatures/namedValues``.
    public var features: [String]
    /// Per-feature means used to standardize.
    public var means: [Double]
    /// Per-feature standard deviations used to standardize (all positive).
    public var standardDeviations: [Double]
    /// Coefficients on the standardized features.
    public var coefficients: [Double]
    /// The intercept.
    public var intercept: Double

    /// Creates a linear score (checked by ``DifficultyWeights/validate()``).
    public init(
        features: [String], means: [Double], standardDeviations: [Double], coefficients: [Double], intercept: Double
    ) {
        self.features = features
        self.means = means
        self.standardDeviations = standardDeviations
        self.coefficients = coefficients
        self.intercept = intercept
    }

    /// The logit for `values`; a missing or non-finite value takes its mean (contributes nothing).
    public func logit(_ values: [String: Double]) -> Double {
        var logit = intercept
        for (index, name) in features.enumerated() {
            var value = values[name] ?? means[index]
            if !value.isFinite { value = means[index] }
            logit += coefficients[index] * (value - means[index]) / standardDeviations[index]
        }
        return logit
    }

    /// Whether any feature needs the generator (loss or rating): then scoring takes two prefills per document.
    public var needsModelFeatures: Bool { features.contains { DifficultyWeights.modelFeatureNames.contains($0) } }

    /// Throws unless the arrays agree, every feature is known and every deviation is positive.
    func validate(_ what: String) throws {
        let n = features.count
        guard means.count == n, standardDeviations.count == n, coefficients.count == n else {
            throw AugmentationError(
                .invalidWeights,
                "\(what): \(n) features but \(means.count) means, \(standardDeviations.count) standardDeviations, "
                    + "\(coefficients.count) coefficients")
        }
        let known = Set(DifficultyWeights.knownFeatureNames)
        if let unknown = features.first(where: { !known.contains($0) }) {
            throw AugmentationError(
                .invalidWeights,
                "\(what): unknown feature '\(unknown)'; known: "
                    + DifficultyWeights.knownFeatureNames.joined(separator: ", "))
        }
        if let bad = standardDeviations.firstIndex(where: { !($0 > 0) || !$0.isFinite }) {
            throw AugmentationError(
                .invalidWeights,
                "\(what): standardDeviations[\(bad)] (\(features[bad])) = \(standardDeviations[bad]) must be positive")
        }
    }
}
