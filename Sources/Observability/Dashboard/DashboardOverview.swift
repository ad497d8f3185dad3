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

    /// Where the samples are: committed in shards by augment, trained on by the trainer.
    public struct Lineage: Sendable, Equatable, Codable {
        /// Samples in committed shards (`thinkstream_augment_samples_out_total`, summed over workers and levels).
        public var sharded: Int64 = 0
        /// Samples trained on (`thinkstream_train_samples_total`, summed over trainers and levels).
        public var trained: Int64 = 0
        /// Oldest input to trained step of the last shard whose `sharded` and `trained` lineage events both arrived.
        public var lastLatencySeconds: Double?
    }

    /// What the augment workers hold right now (their latest events); nil where no worker reported the gauge.
    public struct AugmentLoad: Sendable, Equatable, Codable {
        /// `thinkstream_augment_in_flight_documents`, summed over workers.
        public var inFlightDocuments: Int64?
        /// `thinkstream_augment_batch_occupancy_ratio`, averaged over the workers that report it.
        public var batchOccupancy: Double?
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
    public var augment = AugmentLoad()
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
