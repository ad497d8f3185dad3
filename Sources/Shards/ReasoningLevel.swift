/// How much reasoning a document demands: the taxonomy *Thinking Augmented Pre-Training* uses in its analysis.
public enum ReasoningLevel: String, CaseIterable, Codable, CodingKeyRepresentable, Sendable, Comparable {
    /// Reading is enough.
    case none
    /// A step or two of inference, simple arithmetic.
    case basic
    /// Multi-step reasoning or routine mathematics.
    case intermediate
    /// Long chains of reasoning, competition or research mathematics.
    case advanced

    /// 0 for ``none`` through 3 for ``advanced``.
    public var rank: Int { Self.allCases.firstIndex(of: self)! }

    public static func < (lhs: ReasoningLevel, rhs: ReasoningLevel) -> Bool { lhs.rank < rhs.rank }
}
