/// The outcome of ``TrajectoryGate/evaluate(thinking:document:finishReason:generatedTokens:)``.
public enum TrajectoryVerdict: Sendable, Hashable {
    /// Why a trajectory was rejected; the raw values are metric labels.
    public enum Reason: String, Sendable, Hashable, Codable, CaseIterable {
        /// Repeated word n-grams above the threshold.
        case loop
        /// Most word n-grams of the thinking appear verbatim in the document.
        case copy
        /// Fewer generated tokens than the minimum.
        case tooShort
        /// Generation stopped at the token cap (finish reason `length`) without closing its thinking.
        case capHit
    }

    /// Usable as is.
    case accepted
    /// Regenerate with a new seed, or give up per policy after the last attempt.
    case rejected(Reason)
}
