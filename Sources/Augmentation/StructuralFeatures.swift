/// Cheap surface features of a document that indicate mathematics, equations or code; one pass over the text's
/// Unicode scalars. Densities are per 1,000 non-whitespace scalars so they do not depend on the length.
public struct StructuralFeatures: Sendable, Hashable, Codable {
    /// Unicode scalars that are not whitespace.
    public var nonWhitespaceCount: Int
    /// Fraction of non-whitespace scalars that are ASCII digits.
    public var digitFraction: Double
    /// Operators and relations (`= + - * / ^ < > %`, `≤ ≥ ≠ ± × ÷ √ ∑ ∫ π ∞` …) per 1,000 scalars.
    public var mathSymbolsPerThousand: Double
    /// LaTeX commands (`\frac`, `\alpha`: a backslash and letters) per 1,000 scalars.
    public var latexCommandsPerThousand: Double
    /// Equation-like patterns per 1,000 scalars: a `=` between operands, and `$` math delimiters.
    public var equationsPerThousand: Double
    /// Code markers (code fences, `def `, `return `, `import `, `()`, `{`, `}`, `;` at a line end) per 1,000
    /// scalars.
    public var codeMarkersPerThousand: Double
    /// Mean length of whitespace-separated words, in scalars.
    public var averageWordLength: Double
    /// Question marks per 1,000 scalars.
    public var questionMarksPerThousand: Double
    /// Whitespace-separated words.
    public var wordCount: Int
    /// Operators and relations, counted (not per 1,000).
    public var mathSymbolCount: Int
    /// LaTeX commands, counted.
    public var latexCommandCount: Int
    /// Equation-like patterns, counted.
    public var equationCount: Int
    /// How many of ``challengeKeywords`` occur in the lowercased text (each counts once).
    public var challengeKeywordCount: Int

    /// Phrases typical of harder problems (competition and proof wording).
    public static let challengeKeywords = [
        "prove", "find all", "sum of all", "how many", "largest", "smallest", "positive integer", "probability",
        "minimum", "maximum", "integers",
    ]

    /// Measures `text`.
    public init(text: String) {
        var scanner = StructuralScanner()
        for scalar in text.unicodeScalars { scanner.consume(scalar) }
        scanner.finish()
        let n = Double(max(scanner.nonWhitespace, 1))
        nonWhitespaceCount = scanner.nonWhitespace
        digitFraction = Double(scanner.digits) / n
        mathSymbolsPerThousand = 1000 * Double(scanner.mathSymbols) / n
        latexCommandsPerThousand = 1000 * Double(scanner.latexCommands) / n
        equationsPerThousand = 1000 * Double(scanner.equations) / n
        codeMarkersPerThousand = 1000 * Double(scanner.codeMarkers) / n
        averageWordLength = scanner.words == 0 ? 0 : Double(scanner.nonWhitespace) / Double(scanner.words)
        questionMarksPerThousand = 1000 * Double(scanner.questionMarks) / n
        wordCount = scanner.words
        mathSymbolCount = scanner.mathSymbols
        latexCommandCount = scanner.latexCommands
        equationCount = scanner.equations
        let lowercased = text.lowercased()
        challengeKeywordCount = Self.challengeKeywords.filter { lowercased.contains($0) }.count
    }
}
