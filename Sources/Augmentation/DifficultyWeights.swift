import Foundation

/// A fitted difficulty scorer: which generator it was fitted for, and two linear stages over standardized
/// ``DifficultyFeatures``.
///
/// - ``reasoning``: the logit of P(the document needs reasoning), fitted as a logistic regression of reasoning
///   documents (GSM8K, MATH, maths textbooks and forums) against prose (web pages, encyclopedia, FineWeb-Edu).
/// - ``depth`` (version 2): the logit of P(level ≥ intermediate | reasoning), from a cumulative-logit fit over the
///   reasoning documents only (GSM8K and MATH 1–2 basic, MATH 3–4 and textbook maths intermediate, MATH 5 and
///   forum maths advanced), so levels inside mathematics rank.
///
/// The score is σ(reasoning) below 0.5 (prose: level `none`), and 0.5 + 0.5 σ(depth) from there on, so it orders
/// prose below every reasoning document and reasoning documents by depth. Version 1 weights have no depth stage;
/// their score is σ(reasoning) and their thresholds are cut points on it.
///
/// Model features (the generator's loss and rating) are generator-specific, so weights that use them name the
/// generator and its file's sha256 (``generatorSHA256``); ``forGenerator(fileName:sha256:)`` picks them. Weights
/// with structural features only (``structural``, generator `*`) suit every generator and are the fallback.
/// Written by `scripts/difficulty/fit.py` to `Sources/Augmentation/Resources/difficulty-weights/`; the same JSON
/// is embedded in `DifficultyWeights+Fitted.swift` so the module needs no resource bundle at run time.
public struct DifficultyWeights: Sendable, Hashable, Codable {
    /// Weights format and fit version (1: one stage; 2: reasoning and depth).
    public var version: Int
    /// The generator the model features were measured with (its file name without `.gguf`), or `*` for weights
    /// with structural features only.
    public var generator: String
    /// sha256 of the generator's file; nil for structural-only weights.
    public var generatorSHA256: String?
    /// The scoring truncation the model features were measured with.
    public var scoringTokens: Int
    /// The rating prompt version the model features were measured with.
    public var ratingPromptVersion: Int
    /// Reasoning against prose.
    public var reasoning: LinearScore
    /// Depth within reasoning documents (version 2).
    public var depth: LinearScore?
    /// Ascending score thresholds in (0, 1): below the first is `none`, then `basic`, `intermediate`, and from the
    /// third on `advanced`.
    public var levelThresholds: [Double]

    /// Creates weights and checks them.
    ///
    /// - Throws: `AugmentationError.invalidWeights` naming the inconsistent field.
    public init(
        version: Int, generator: String, generatorSHA256: String? = nil, scoringTokens: Int, ratingPromptVersion: Int,
        reasoning: LinearScore, depth: LinearScore? = nil, levelThresholds: [Double]
    ) throws {
        self.version = version
        self.generator = generator
        self.generatorSHA256 = generatorSHA256
        self.scoringTokens = scoringTokens
        self.ratingPromptVersion = ratingPromptVersion
        self.reasoning = reasoning
        self.depth = depth
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
        } catch let error as AugmentationError {
            throw error
        } catch {
            throw AugmentationError(
                .invalidWeights, "difficulty weights JSON does not decode: \(error); regenerate it with fit.py",
                cause: error)
        }
        try validate()
    }

    private enum CodingKeys: String, CodingKey {
        case version, generator, generatorSHA256, scoringTokens, ratingPromptVersion, reasoning, depth, levelThresholds
        case features, means, standardDeviations, coefficients, intercept
    }

    /// Decodes version 2, or version 1's flat single stage (`features`, `means`, … at the top level).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        version = try container.decode(Int.self, forKey: .version)
        generator = try container.decode(String.self, forKey: .generator)
        generatorSHA256 = try container.decodeIfPresent(String.self, forKey: .generatorSHA256)
        scoringTokens = try container.decode(Int.self, forKey: .scoringTokens)
        ratingPromptVersion = try container.decode(Int.self, forKey: .ratingPromptVersion)
        if let reasoning = try container.decodeIfPresent(LinearScore.self, forKey: .reasoning) {
            self.reasoning = reasoning
        } else {
            reasoning = LinearScore(
                features: try container.decode([String].self, forKey: .features),
                means: try container.decode([Double].self, forKey: .means),
                standardDeviations: try container.decode([Double].self, forKey: .standardDeviations),
                coefficients: try container.decode([Double].self, forKey: .coefficients),
                intercept: try container.decode(Double.self, forKey: .intercept))
        }
        depth = try container.decodeIfPresent(LinearScore.self, forKey: .depth)
        levelThresholds = try container.decode([Double].self, forKey: .levelThresholds)
    }

    /// Encodes version 2's layout.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(version, forKey: .version)
        try container.encode(generator, forKey: .generator)
        try container.encodeIfPresent(generatorSHA256, forKey: .generatorSHA256)
        try container.encode(scoringTokens, forKey: .scoringTokens)
        try container.encode(ratingPromptVersion, forKey: .ratingPromptVersion)
        try container.encode(reasoning, forKey: .reasoning)
        try container.encodeIfPresent(depth, forKey: .depth)
        try container.encode(levelThresholds, forKey: .levelThresholds)
    }

    /// Throws unless both stages are consistent and the thresholds ascend inside (0, 1).
    ///
    /// - Throws: `AugmentationError.invalidWeights` naming the field.
    public func validate() throws {
        try reasoning.validate("difficulty weights v\(version) (\(generator)) reasoning")
        try depth?.validate("difficulty weights v\(version) (\(generator)) depth")
        let t = levelThresholds
        guard t.count == 3, t[0] > 0, t[0] <= t[1], t[1] <= t[2], t[2] < 1 else {
            throw AugmentationError(
                .invalidWeights,
                "difficulty weights v\(version) (\(generator)): levelThresholds \(t) must be 3 ascending values in (0, 1)"
            )
        }
        if depth != nil, t[0] != 0.5 {
            throw AugmentationError(
                .invalidWeights,
                "difficulty weights v\(version) (\(generator)): with a depth stage the first threshold must be 0.5, not \(t[0])"
            )
        }
    }

    /// Whether scoring with these weights needs the generator's loss and rating (two prefills per document).
    public var needsModelFeatures: Bool { reasoning.needsModelFeatures || (depth?.needsModelFeatures ?? false) }

    /// The names of the features measured with the generator.
    public static let modelFeatureNames: Set<String> = [
        "meanTokenLoss", "ratingExpectedLevel", "ratingLabelMass", "rating.none", "rating.basic", "rating.intermediate",
        "rating.advanced",
    ]

    /// Every name ``DifficultyFeatures/namedValues`` provides.
    public static let knownFeatureNames: [String] = [
        "digitFraction", "mathSymbolsPerThousand", "latexCommandsPerThousand", "equationsPerThousand",
        "codeMarkersPerThousand", "averageWordLength", "questionMarksPerThousand", "logNonWhitespaceCount",
        "logWordCount", "logMathSymbolCount", "logLatexCommandCount", "logEquationCount", "challengeKeywordCount",
        "meanTokenLoss", "ratingExpectedLevel", "ratingLabelMass", "rating.none", "rating.basic", "rating.intermediate",
        "rating.advanced",
    ]
}

extension DifficultyWeights {
    /// Every committed fit (`Resources/difficulty-weights/*.json`, embedded).
    public static let fittedSets: [DifficultyWeights] = fittedJSON.map { json in
        do {
            return try DifficultyWeights(jsonData: Data(json.utf8))
        } catch {
            preconditionFailure("embedded difficulty weights are invalid: \(error)")
        }
    }

    /// The generator-independent fit: structural features only. Every generator without a fit of its own scores
    /// with it.
    public static var structural: DifficultyWeights {
        guard let weights = fittedSets.first(where: { $0.generator == "*" }) else {
            preconditionFailure("the embedded difficulty weights lack the structural ('*') fit")
        }
        return weights
    }

    /// The weights for a generator: the fit whose ``generatorSHA256`` is the file's, else the one whose
    /// ``generator`` is the file name without `.gguf`, else ``structural`` (and `fittedForGenerator` false: the
    /// caller should warn that scoring ignores the generator).
    ///
    /// - Parameters:
    ///   - fileName: the generator's file name.
    ///   - sha256: the file's sha256 (hex), when known.
    public static func forGenerator(fileName: String, sha256: String?) -> (
        weights: DifficultyWeights, fittedForGenerator: Bool
    ) {
        if let sha256, let match = fittedSets.first(where: { $0.generatorSHA256 == sha256 }) { return (match, true) }
        let stem = fileName.hasSuffix(".gguf") ? String(fileName.dropLast(5)) : fileName
        if let match = fittedSets.first(where: { $0.generator == stem && $0.generator != "*" }) { return (match, true) }
        return (structural, false)
    }
}
