import Kafka
import Shards

/// Settings of `thinkstream augment` workers.
public struct AugmentConfiguration: Sendable {
    public var topics: TopicNames
    /// The consumer group all workers share; partitions of the raw topic are split between them.
    public var groupID: String
    /// This worker's transactional id; must be stable across restarts of the same worker (it fences its zombies)
    /// and unique between workers.
    public var transactionalID: String
    /// Documents handed to the engine at once (the engine batches them; more wait in Kafka, partitions paused).
    public var maxDocumentsInFlight: Int
    public var shardLimits: ShardLimits
    /// Raw records larger than this are dead-lettered without generation.
    public var maxDocumentBytes: Int
    public var deadLetterRawLimitBytes: Int
    /// How long to wait for more documents before closing a partly filled shard.
    public var idleFlush: Duration

    public init(
        topics: TopicNames = .init(), groupID: String = "thinkstream-augment", transactionalID: String,
        maxDocumentsInFlight: Int = 8, shardLimits: ShardLimits = .init(), maxDocumentBytes: Int = 1 << 20,
        deadLetterRawLimitBytes: Int = 64 << 10, idleFlush: Duration = .seconds(2)
    ) {
        self.topics = topics
        self.groupID = groupID
        self.transactionalID = transactionalID
        self.maxDocumentsInFlight = maxDocumentsInFlight
        self.shardLimits = shardLimits
        self.maxDocumentBytes = maxDocumentBytes
        self.deadLetterRawLimitBytes = deadLetterRawLimitBytes
        self.idleFlush = idleFlush
    }

    /// - Throws: `PipelineError` `.invalidConfiguration` naming the key.
    public func validate() throws {
        if transactionalID.isEmpty { throw PipelineError(.invalidConfiguration, "augment.transactionalID is empty") }
        if maxDocumentsInFlight < 1 {
            throw PipelineError(
                .invalidConfiguration, "augment.maxDocumentsInFlight must be ≥ 1, got \(maxDocumentsInFlight)")
        }
    }
}
