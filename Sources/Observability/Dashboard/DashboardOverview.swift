/// The aggregated numbers the dashboard page, `/api/state` and `thinkstream top` show.
public struct DashboardOverview: Sendable, Equatable, Codable {
    public struct FeedTotals: Sendable, Equatable, Codable {
        public var documentsIn: Int64 = 0
        public var produced: Int64 = 0
        public var duplicates: Int64 = 0
        public var deadLettered: Int64 = 0
    }

    public struct PartitionLag: Sendable, Equatable, Codable {
        public var component: String
        public var partition: Int32
        public var records: Int64
    }

    public struct LevelCount: Sendable, Equatable, Codable {
        public var level: String
        public var samples: Int64
        public var fraction: Double
    }

    public struct LevelHistogram: Sendable, Equatable, Codable {
        public var level: String
        public var bounds: [Double]
        public var counts: [Int64]
        public var count: Int64
        public var mean: Double
    }

    public struct DeadLetterCount: Sendable, Equatable, Codable {
        public var component: String
        public var reason: String
        public var count: Int64
    }

    public struct TrainerStatus: Sendable, Equatable, Codable {
        public var step: Int64
        public var documentLoss: Double?
        public var thinkingLoss: Double?
        public var tokensTrained: Int64
    }

    public struct RatePoint: Sendable, Equatable, Codable {
        public var timestampMs: Int64
        public var documentsPerSecond: Double
        public var samplesPerSecond: Double
        public var generatedTokensPerSecond: Double
        public var trainedTokensPerSecond: Double
    }

    public struct LossPoint: Sendable, Equatable, Codable {
        public var timestampMs: Int64
        public var step: Int64
        public var document: Double?
        public var thinking: Double?
    }

    public struct Worker: Sendable, Equatable, Codable {
        public var component: String
        public var instanceId: String
        public var host: String
        public var lastSeenMs: Int64
        public var ageSeconds: Double
        /// `alive`, `exited` (sent its final event) or `stale` (silent for three intervals).
        public var status: String
    }

    public struct Lineage: Sendable, Equatable, Codable {
        public var sharded: Int64 = 0
        public var trained: Int64 = 0
        public var lastLatencySeconds: Double?
    }

    public var generatedAtMs: Int64 = 0
    public var eventsSeen: Int64 = 0
    /// Feed: records read per second; a finished feed job shows its run's average.
    public var documentsPerSecond: Double = 0
    /// Augment: raw documents consumed per second.
    public var augmentDocumentsPerSecond: Double = 0
    public var samplesPerSecond: Double = 0
    public var generatedTokensPerSecond: Double = 0
    public var trainedTokensPerSecond: Double = 0
    public var feed = FeedTotals()
    public var lag: [PartitionLag] = []
    /// Raw-topic records the augment group has not consumed yet.
    public var rawBacklog: Int64 = 0
    /// `rawBacklog` divided by the augment consumption rate; nil while nothing is consumed.
    public var backlogEtaSeconds: Double?
    public var difficultyMix: [LevelCount] = []
    public var thinkingLength: [LevelHistogram] = []
    public var deadLetters: [DeadLetterCount] = []
    public var trainer: TrainerStatus?
    public var rateHistory: [RatePoint] = []
    public var lossHistory: [LossPoint] = []
    public var workers: [Worker] = []
    public var lineage = Lineage()

    public init() {}
}
