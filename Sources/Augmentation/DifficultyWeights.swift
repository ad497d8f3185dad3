import Foundation

/// The fitted combination of ``DifficultyFeatures``: a logistic score σ(b + Σ cᵢ zᵢ) on standardized features
/// (reasoning against general prose) and three thresholds on it that split it into ``ReasoningLevel``s. Version 1
/// comes from a cumulative-logit fit: the score is P(level ≥ basic) and the thresholds are its other cut points.
///
/// Written by `scripts/difficulty/fit.py` to `Sources/Augmentation/Resources/difficulty-weights.v1.json`; the same
/// JSON is embedded in ``fitted`` so the module needs no resource bundle at run time.
public struct DifficultyWeights: Sendable, Hashable, Codable {
    /// Weights format and fit version.
    public var version: Int
    /// The generator file the features were measured with (its loss and rating are model-specific).
    public var generator: String
    /// The scoring truncation the features were measured with.
    public var scoringTokens: Int
    /// The rating prompt version the features were measured with.
    public var ratingPromptVersion: Int
    /// Feature names, as in ``DifficultyFeatures/namedValues``.
    public var features: [String]
    /// Per-feature means used to standardize.
    public var means: [Double]
    /// Per-feature standard deviations used to standardize (all positive).
    public var standardDeviations: [Double]
    /// Logistic coefficients on the standardized features.
    public var coefficients: [Double]
    /// The logistic intercept.
    public var intercept: Double
    /// Ascending score thresholds in (0, 1): below the first is `none`, then `basic`, `intermediate`, and from the
    /// third on `advanced`.
    public var levelThresholds: [Double]

    /// Creates weights and checks them.
    ///
    /// - Throws: `AugmentationError.invalidWeights` naming the inconsistent field.
    public init(
        version: Int, generator: String, scoringTokens: Int, ratingPromptVersion: Int, features: [String],
        means: [Double], standardDeviations: [Double], coefficients: [Double], intercept: Double,
        levelThresholds: [Double]
    ) throws {
        self.version = version
        self.generator = generator
        self.scoringTokens = scoringTokens
        self.ratingPromptVersion = ratingPromptVersion
        self.features = features
        self.means = means
        self.standardDeviations = standardDeviations
        self.coefficients = coefficients
        self.intercept = intercept
        self.levelThresholds = levelThresholds
        try validate()
    }

    /// Decodes and checks weights JSON.
    ///
    /// - Parameters:
    ///   - jsonData: the contents of a weights file.
    /// - Throws: `AugmentationError.invalidWeights` when the JSON does not decode or is inconsistent.
    public init(jsonData: Data) throws {
        do {
            self = try JSONDecoder().decode(DifficultyWeights.self, from: jsonData)
        } catch {
            throw AugmentationError(
                .invalidWeights, "difficulty weights JSON does not decode: \(error); regenerate it with fit.py",
                cause: error)
        }
        try validate()
    }

    /// Throws unless the arrays agree, the features are known and the thresholds ascend inside (0, 1).
    ///
    /// - Throws: `AugmentationError.invalidWeights` naming the field.
    public func validate() throws {
        let n = features.count
        guard means.count == n, standardDeviations.count == n, coefficients.count == n else {
            throw AugmentationError(
                .invalidWeights,
                "difficulty weights v\(version): \(n) features but \(means.count) means, "
                    + "\(standardDeviations.count) standardDeviations, \(coefficients.count) coefficients")
        }
        let known = Set(DifficultyWeights.knownFeatureNames)
        if let unknown = features.first(where: { !known.contains($0) }) {
            throw AugmentationError(
                .invalidWeights,
                "difficulty weights v\(version): unknown feature '\(unknown)'; known: "
                    + DifficultyWeights.knownFeatureNames.joined(separator: ", "))
        }
        if let bad = standardDeviations.firstIndex(where: { !($0 > 0) || !$0.isFinite }) {
            throw AugmentationError(
                .invalidWeights,
                "difficulty weights v\(version): standardDeviations[\(bad)] "
                    + "(\(features[bad])) = \(standardDeviations[bad]) must be positive")
        }
        let t = levelThresholds
        guard t.count == 3, t[0] > 0, t[0] <= t[1], t[1] <= t[2], t[2] < 1 else {
            throw AugmentationError(
                .invalidWeights,
                "difficulty weights v\(version): levelThresholds \(t) must be 3 ascending values in (0, 1)")
        }
    }

    /// Every name ``DifficultyFeatures/namedValues`` provides.
    public static let knownFeatureNames: [String] = [
        "digitFraction", "mathSymbolsPerThousand", "latexCommandsPerThousand", "equationsPerThousand",
        "codeMarkersPerThousand", "averageWordLength", "questionMarksPerThousand", "meanTokenLoss",
        "ratingExpectedLevel", "ratingLabelMass", "rating.none", "rating.basic", "rating.intermediate",
        "rating.advanced",
    ]

    /// The committed fit (`Resources/difficulty-weights.v1.json`, embedded).
    public static let fitted: DifficultyWeights = {
        do {
            return try DifficultyWeights(jsonData: Data(fittedJSON.utf8))
        } catch {
            preconditionFailure("the embedded difficulty weights are invalid: \(error)")
        }
    }()
}
