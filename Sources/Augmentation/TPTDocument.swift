import Shards

/// One document to augment: its id (samples' ids derive from it), its text, and where it was read (recorded in each
/// sample).
public struct TPTDocument: Sendable {
    public var id: String
    public var text: String
    public var source: ShardSample.Source

    public init(id: String, text: String, source: ShardSample.Source) {
        self.id = id
        self.text = text
        self.source = source
    }
}

/// What became of one document.
public enum TPTOutcome: Sendable {
    /// Why no sample could be made.
    public enum Failure: String, Sendable {
        /// Difficulty scoring failed (not an outage: those are waited out).
        case scoringFailed
        /// Generation failed for this document alone (a prompt the generator refuses, an engine error).
        case generationFailed
        /// Every trajectory failed the quality gates after the last attempt.
        case trajectoryRejected
    }

    /// One or more samples (one per accepted thinking trajectory).
    case samples([ShardSample])
    /// No sample; `message` names the failure and its cause.
    case failed(Failure, message: String)
}
