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
    /// - Throws: `CancellationError`, or an error when the generator itself is unusable (the service then stops
    ///   without committing). An outage of the generator is waited out, not thrown.
    func augment(_ inputs: [AugmentInput]) async throws -> [AugmentOutcome]

    /// How the samples are made, for shard manifests.
    var generator: ShardManifest.Generator { get }

    /// The tokenizer of the samples' token ids.
    var tokenizerName: String { get }

    /// Whether work in flight is waiting for an unavailable generator to come back (the service may then stop
    /// without waiting for it when asked to).
    var isWaitingForGenerator: Bool { get }
}

extension DocumentAugmenting {
    /// An augmenter that never waits for a backend.
    public var isWaitingForGenerator: Bool { false }
}

extension DeadLetter.Reason {
    public static let malformedRecord = DeadLetter.Reason("malformed_record")
    public static let engineFailed = DeadLetter.Reason("engine_failed")
    public static let trajectoryRejected = DeadLetter.Reason("trajectory_rejected")
    /// Generation failed for this document alone (a prompt the generator refuses, an engine error); outages are
    /// waited out instead.
    public static let generationFailed = DeadLetter.Reason("generation_failed")
}
