/// Where a shard came from and where it went, on the metrics topic (`schemas/lineage-event.v1.json`, header
/// `schema: lineage-event/1`): augment publishes `stage: sharded` with the raw-topic offsets a shard holds, the
/// trainer publishes `stage: trained` with the step that consumed it. Joining the two on `shard_id` gives end-to-end
/// latency from the stream itself.
public struct LineageEvent: Sendable, Equatable, Codable {
    /// The `schema` header value.
    public static let schemaHeader = "lineage-event/1"

    public enum Stage: String, Sendable, Codable {
        case sharded, trained
    }

    /// A contiguous run of input offsets in one partition, both ends included.
    public struct OffsetRange: Sendable, Equatable, Codable {
        public var topic: String
        public var partition: Int32
        public var firstOffset: Int64
        public var lastOffset: Int64

        public init(topic: String, partition: Int32, firstOffset: Int64, lastOffset: Int64) {
            self.topic = topic
            self.partition = partition
            self.firstOffset = firstOffset
            self.lastOffset = lastOffset
        }

        enum CodingKeys: String, CodingKey {
            case topic, partition
            case firstOffset = "first_offset"
            case lastOffset = "last_offset"
        }
    }

    public var stage: Stage
    public var shardID: String
    public var component: String
    public var instanceID: String
    public var timestampMilliseconds: Int64
    /// The raw-topic records in the shard.
    public var inputs: [OffsetRange]
    /// The broker timestamp of the oldest input record, when known; `timestamp_ms` minus this is the latency.
    public var oldestInputTimestampMilliseconds: Int64?
    /// The trainer step that consumed the shard (`trained` only).
    public var trainerStep: Int64?

    public init(
        stage: Stage, shardID: String, component: String, instanceID: String, timestampMilliseconds: Int64,
        inputs: [OffsetRange], oldestInputTimestampMilliseconds: Int64? = nil, trainerStep: Int64? = nil
    ) {
        self.stage = stage
        self.shardID = shardID
        self.component = component
        self.instanceID = instanceID
        self.timestampMilliseconds = timestampMilliseconds
        self.inputs = inputs
        self.oldestInputTimestampMilliseconds = oldestInputTimestampMilliseconds
        self.trainerStep = trainerStep
    }

    enum CodingKeys: String, CodingKey {
        case stage, component, inputs
        case shardID = "shard_id"
        case instanceID = "instance_id"
        case timestampMilliseconds = "timestamp_ms"
        case oldestInputTimestampMilliseconds = "oldest_input_timestamp_ms"
        case trainerStep = "trainer_step"
    }

    /// The event as compact JSON with sorted keys.
    public func encoded() -> [UInt8] { EventCoding.encode(self) }

    /// - Throws: `ObservabilityError` (`.malformedEvent`).
    public static func decode(_ bytes: [UInt8]) throws -> LineageEvent { try EventCoding.decode(bytes) }
}
