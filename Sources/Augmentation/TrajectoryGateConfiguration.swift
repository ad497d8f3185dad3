/// Thresholds of the ``TrajectoryGate`` and what to do after retries.
public struct TrajectoryGateConfiguration: Sendable, Hashable, Codable {
    /// Word n-gram length for loop detection.
    public var loopNGramWords: Int
    /// A trajectory loops when more than this fraction of its word n-grams repeat an earlier one.
    public var maxRepeatedNGramFraction: Double
    /// Word n-gram length for copy detection.
    public var copyNGramWords: Int
    /// A trajectory copies when more than this fraction of its word n-grams appear in the document.
    public var maxCopiedNGramFraction: Double
    /// Fewer generated tokens than this is too short.
    public var minThinkingTokens: Int
    /// Generation attempts per trajectory at most (the first included).
    public var maxAttempts: Int
    /// What happens to a trajectory that still hits the cap after `maxAttempts`.
    public var capPolicy: CapPolicy

    /// Creates a configuration; the defaults: loops at > 30% repeated 4-grams, copies at > 60% shared 8-grams,
    /// at least 32 tokens, 3 attempts, keep-and-close on the cap.
    public init(
        loopNGramWords: Int = 4, maxRepeatedNGramFraction: Double = 0.3, copyNGramWords: Int = 8,
        maxCopiedNGramFraction: Double = 0.6, minThinkingTokens: Int = 32, maxAttempts: Int = 3,
        capPolicy: CapPolicy = .keepAndClose
    ) {
        self.loopNGramWords = loopNGramWords
        self.maxRepeatedNGramFraction = maxRepeatedNGramFraction
        self.copyNGramWords = copyNGramWords
        self.maxCopiedNGramFraction = maxCopiedNGramFraction
        self.minThinkingTokens = minThinkingTokens
        self.maxAttempts = maxAttempts
        self.capPolicy = capPolicy
    }

    /// Throws unless n-gram lengths and attempts are positive and fractions lie in [0, 1].
    ///
    /// - Throws: `AugmentationError.invalidPolicy` naming the field.
    public func validate() throws {
        for (key, value) in [
            ("gate.loopNGramWords", loopNGramWords), ("gate.copyNGramWords", copyNGramWords),
            ("gate.maxAttempts", maxAttempts),
        ] where value < 1 {
            throw AugmentationError(.invalidPolicy, "\(key) = \(value) must be at least 1")
        }
        for (key, value) in [
            ("gate.maxRepeatedNGramFraction", maxRepeatedNGramFraction),
            ("gate.maxCopiedNGramFraction", maxCopiedNGramFraction),
        ] where !(0...1).contains(value) {
            throw AugmentationError(.invalidPolicy, "\(key) = \(value) must be in [0, 1]")
        }
        guard minThinkingTokens >= 0 else {
            throw AugmentationError(.invalidPolicy, "gate.minThinkingTokens = \(minThinkingTokens) must be >= 0")
        }
    }
}
