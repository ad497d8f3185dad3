/// The first line of every shard: what it holds, what input it covers, and how it was made.
public struct ShardManifest: Codable, Sendable, Equatable {
    /// The offsets of one input partition covered by the shard (first and last offset, inclusive).
    public struct InputRange: Codable, Sendable, Equatable {
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
    }

    public struct TokenCounts: Codable, Sendable, Equatable {
        public var document: Int
        public var thinking: Int
        public var total: Int
        public init(document: Int, thinking: Int, total: Int) {
            self.document = document
            self.thinking = thinking
            self.total = total
        }
    }

    /// The model and settings that generated the thinking.
    public struct Generator: Codable, Sendable, Equatable {
        public var modelFile: String
        public var modelSHA256: String
        public var templateID: String
        public var templateVersion: Int
        public var temperature: Double
        public var topP: Double
        /// Thinking budget per reasoning level, in generator tokens.
        public var maxThinkingTokensByLevel: [ReasoningLevel: Int]
        public var upsamplingMode: String
        /// The OpenAI-compatible server that generated the thinking, when not the in-process engine; `modelFile`
        /// and `modelSHA256` then name the local model whose tokenizer the server shares.
        public var remote: Remote?
        /// Sampling penalties against loops, when any was on (absent: the paper's sampling).
        public var repetitionControl: RepetitionControl?
        /// The difficulty weights that planned the trajectories: their `generator` (`*` for the structural ones).
        public var difficultyWeights: String?

        /// Penalties on a sequence's own output and n-gram blocking (see `SamplingParameters`).
        public struct RepetitionControl: Codable, Sendable, Equatable {
            public var repetitionPenalty: Double
            public var presencePenalty: Double
            public var frequencyPenalty: Double
            public var penaltyWindowTokens: Int
            public var noRepeatNGramTokens: Int
            public init(
                repetitionPenalty: Double, presencePenalty: Double, frequencyPenalty: Double, penaltyWindowTokens: Int,
                noRepeatNGramTokens: Int
            ) {
                self.repetitionPenalty = repetitionPenalty
                self.presencePenalty = presencePenalty
                self.frequencyPenalty = frequencyPenalty
                self.penaltyWindowTokens = penaltyWindowTokens
                self.noRepeatNGramTokens = noRepeatNGramTokens
            }
        }

        /// A remote completions server and the model name requests gave it.
        public struct Remote: Codable, Sendable, Equatable {
            /// The server's base URL.
            public var url: String
            /// The model name sent with each request.
            public var model: String
            public init(url: String, model: String) {
                self.url = url
                self.model = model
            }
        }

        public init(
            modelFile: String, modelSHA256: String, templateID: String, templateVersion: Int, temperature: Double,
            topP: Double, maxThinkingTokensByLevel: [ReasoningLevel: Int], upsamplingMode: String,
            remote: Remote? = nil,
            repetitionControl: RepetitionControl? = nil, difficultyWeights: String? = nil
        ) {
            self.repetitionControl = repetitionControl
            self.difficultyWeights = difficultyWeights
            self.modelFile = modelFile
            self.modelSHA256 = modelSHA256
            self.templateID = templateID
            self.templateVersion = templateVersion
            self.temperature = temperature
            self.topP = topP
            self.maxThinkingTokensByLevel = maxThinkingTokensByLevel
            self.upsamplingMode = upsamplingMode
            self.remote = remote
        }
    }

    /// Content-derived: the sha256 of the sorted sample ids.
    public var shardID: String
    public var formatVersion: Int
    /// ISO 8601 UTC.
    public var createdAt: String
    public var sampleCount: Int
    public var inputs: [InputRange]
    /// Input documents that went to the dead-letter topic in the same transaction.
    public var deadLetterCount: Int
    public var tokenCounts: TokenCounts
    /// Samples per reasoning level.
    public var difficultyHistogram: [ReasoningLevel: Int]
    public var generator: Generator
    /// The tokenizer of `token_ids` (model file it comes from).
    public var tokenizer: String
    /// `sha256:<hex>` of the sample lines (everything after the manifest line, uncompressed).
    public var checksum: String

    public init(
        shardID: String, formatVersion: Int = 1, createdAt: String, sampleCount: Int, inputs: [InputRange],
        deadLetterCount: Int, tokenCounts: TokenCounts, difficultyHistogram: [ReasoningLevel: Int],
        generator: Generator,
        tokenizer: String, checksum: String
    ) {
        self.shardID = shardID
        self.formatVersion = formatVersion
        self.createdAt = createdAt
        self.sampleCount = sampleCount
        self.inputs = inputs
        self.deadLetterCount = deadLetterCount
        self.tokenCounts = tokenCounts
        self.difficultyHistogram = difficultyHistogram
        self.generator = generator
        self.tokenizer = tokenizer
        self.checksum = checksum
    }
}
