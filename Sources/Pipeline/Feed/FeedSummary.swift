/// What one `feed` run did; printed at the end and checked by tests.
public struct FeedSummary: Sendable, Equatable {
    /// Records read (documents, duplicates and refused records; blank lines are not records).
    public var read = 0
    /// Documents accepted and produced to the raw topic.
    public var produced = 0
    /// Exact duplicates of a document already produced in this run (same normalized text), dropped.
    public var duplicates = 0
    /// Records refused and produced to the dead-letter topic.
    public var deadLettered = 0
    /// Empty lines skipped between JSON records.
    public var blankLines = 0
    /// Input bytes read (compressed bytes for zstd files).
    public var bytesRead: Int64 = 0
    public var seconds: Double = 0
    /// Whether the run stopped early (Ctrl-C); everything accepted before that was still flushed.
    public var interrupted = false
    /// Dead letters by reason code.
    public var deadLettersByReason: [String: Int] = [:]

    public init() {}

    public var documentsPerSecond: Double { seconds > 0 ? Double(read) / seconds : 0 }
    public var megabytesPerSecond: Double { seconds > 0 ? Double(bytesRead) / 1_000_000 / seconds : 0 }
}

/// A snapshot for progress displays.
public struct FeedProgress: Sendable {
    public var summary: FeedSummary
    /// Total input bytes when known (all inputs are files), for a percentage and ETA.
    public var totalBytes: Int64?
    public var currentInput: String
}
