import Generation

/// Quality checks on a generated thinking trajectory: loops, verbatim copies of the document, too-short output and
/// cap hits. Checks run in that order; the first failure is the reason.
public struct TrajectoryGate: Sendable {
    /// The thresholds.
    public let configuration: TrajectoryGateConfiguration

    /// Creates a gate.
    public init(_ configuration: TrajectoryGateConfiguration = TrajectoryGateConfiguration()) {
        self.configuration = configuration
    }

    /// Judges one trajectory.
    ///
    /// - Parameters:
    ///   - thinking: the generated text (cleaned as ``SampleComposer/cleanedThinking(_:)`` does before checking).
    ///   - document: the document it was generated for.
    ///   - finishReason: why generation stopped; `length` is a cap hit.
    ///   - generatedTokens: tokens generated.
    public func evaluate(
        thinking: String, document: String, finishReason: FinishReason, generatedTokens: Int
    ) -> TrajectoryVerdict {
        let measured = measure(thinking: thinking, document: document)
        if measured.repeatedNGramFraction > configuration.maxRepeatedNGramFraction { return .rejected(.loop) }
        if measured.copiedNGramFraction > configuration.maxCopiedNGramFraction { return .rejected(.copy) }
        if generatedTokens < configuration.minThinkingTokens { return .rejected(.tooShort) }
        if finishReason == .length { return .rejected(.capHit) }
        return .accepted
    }

    /// Whether a trajectory with `verdict` on its last allowed attempt is kept: accepted ones, and cap hits under
    /// ``CapPolicy/keepAndClose``.
    public func keepsAfterLastAttempt(_ verdict: TrajectoryVerdict) -> Bool {
        switch verdict {
        case .accepted: return true
        case .rejected(.capHit): return configuration.capPolicy == .keepAndClose
        case .rejected: return false
        }
    }

    /// The two fractions the loop and copy checks compare with their thresholds.
    ///
    /// - Returns: the fraction of the thinking's word n-grams (``TrajectoryGateConfiguration/loopNGramWords``)
    ///   that repeat an earlier one, and the fraction of its ``TrajectoryGateConfiguration/copyNGramWords``-grams
    ///   that occur in the document. Words are whitespace-separated and lowercased; 0 when there are no n-grams.
    public func measure(thinking: String, document: String) -> (
        repeatedNGramFraction: Double, copiedNGramFraction: Double
    ) {
        let thinkingWords = Self.words(SampleComposer.cleanedThinking(thinking))
        let loopGrams = Self.nGrams(thinkingWords, configuration.loopNGramWords)
        let repeated = loopGrams.isEmpty ? 0 : Double(loopGrams.count - Set(loopGrams).count) / Double(loopGrams.count)
        let copyGrams = Self.nGrams(thinkingWords, configuration.copyNGramWords)
        var copied = 0.0
        if !copyGrams.isEmpty {
            let documentGrams = Set(Self.nGrams(Self.words(document), configuration.copyNGramWords))
            copied = Double(copyGrams.filter { documentGrams.contains($0) }.count) / Double(copyGrams.count)
        }
        return (repeated, copied)
    }

    private static func words(_ text: String) -> [Substring] {
        text.lowercased().split(whereSeparator: { $0.isWhitespace })
    }

    /// Word n-grams joined by a space (a single word when n is 1).
    private static func nGrams(_ words: [Substring], _ n: Int) -> [String] {
        guard words.count >= n else { return [] }
        return (0...(words.count - n)).map { words[$0..<($0 + n)].joined(separator: " ") }
    }
}
