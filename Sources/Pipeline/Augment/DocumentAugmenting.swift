import Shards

/// A raw document read from the raw topic, with where it came from.
public struct AugmentInput: Sendable {
    public var document: RawDocument
    public var source: ShardSample.Source
    public init(document: RawDocument, source: ShardSample.Source) {
        self.document = document
        self.source = source
    }
}

/// What became of one input document.
public enum AugmentOutcome: Sendable {
    /// One or more samples (one per accepted thinking trajectory).
    case samples([ShardSample])
    /// No sample could be made; the document goes to the dead-letter topic with this reason.
    case failed(reason: DeadLetter.Reason, message: String)
}

/// Turns documents into thinking-augmented samples: scoring, trajectory generation, quality gates, composition.
/// The augment service owns streaming, shards and exactly-once; implementations own the method.
public protocol DocumentAugmenting: Sendable {
    /// One outcome per input, in input order. Must not throw for a single bad document: report it as `.failed`.
    /// - Throws: only when the generator itself is unusable (the service then stops without committing).
    func augment(_ inputs: [AugmentInput]) async throws -> [AugmentOutcome]

    /// How the samples are made, for shard manifests.
    var generator: ShardManifest.Generator { get }

    /// The tokenizer of the samples' token ids.
    var tokenizerName: String { get }
}

extension DeadLetter.Reason {
    public static let malformedRecord = DeadLetter.Reason("malformed_record")
    public static let engineFailed = DeadLetter.Reason("engine_failed")
    public static let trajectoryRejected = DeadLetter.Reason("trajectory_rejected")
}
