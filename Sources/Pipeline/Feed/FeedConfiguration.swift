/// Settings of `thinkstream feed`.
public struct FeedConfiguration: Sendable, Equatable {
    public var topics: TopicNames
    /// Partitions for topics that `feed` creates.
    public var partitions: Int32
    /// The JSON field holding the document text.
    public var textField: String
    /// The JSON field holding the document id; when absent, the id is the sha256 of the normalized text.
    public var idField: String
    /// Whether the record's other fields are kept as metadata.
    public var keepMetadata: Bool
    /// Largest accepted text, in UTF-8 bytes.
    public var maxDocumentBytes: Int
    /// Longest JSON line read: 8 × ``maxDocumentBytes`` (room for escapes and metadata). A longer line (a binary file,
    /// a runaway record) is skipped without being held in memory and dead-lettered as `line_too_long`.
    public var maxLineBytes: Int { min(maxDocumentBytes, Int.max / 8) * 8 }
    /// How much of a refused record's raw bytes a dead letter keeps.
    public var deadLetterRawLimitBytes: Int
    /// Stop at the first bad record instead of dead-lettering it and going on.
    public var strict: Bool

    public init(
        topics: TopicNames = .init(), partitions: Int32 = 3, textField: String = "text", idField: String = "id",
        keepMetadata: Bool = true, maxDocumentBytes: Int = 1 << 20, deadLetterRawLimitBytes: Int = 64 << 10,
        strict: Bool = false
    ) {
        self.topics = topics
        self.partitions = partitions
        self.textField = textField
        self.idField = idField
        self.keepMetadata = keepMetadata
        self.maxDocumentBytes = maxDocumentBytes
        self.deadLetterRawLimitBytes = deadLetterRawLimitBytes
        self.strict = strict
    }

    /// - Throws: `PipelineError` `.invalidConfiguration` naming the key and value.
    public func validate() throws {
        if partitions < 1 {
            throw PipelineError(.invalidConfiguration, "feed.partitions must be ≥ 1, got \(partitions)")
        }
        if maxDocumentBytes < 1 {
            throw PipelineError(.invalidConfiguration, "feed.maxDocumentBytes must be ≥ 1, got \(maxDocumentBytes)")
        }
        if textField.isEmpty { throw PipelineError(.invalidConfiguration, "feed.textField is empty") }
    }
}
