/// One position of a scored token sequence: the log-probability of the token that is there, and the most likely
/// tokens the model predicted for that position.
public struct ScoredToken: Sendable, Equatable {
    /// A token id and its log-probability.
    public struct Candidate: Sendable, Equatable {
        /// The token id.
        public var token: Int
        /// Its log-probability (natural log, unfiltered temperature-1 distribution).
        public var logProbability: Float

        /// Creates a candidate.
        public init(token: Int, logProbability: Float) {
            self.token = token
            self.logProbability = logProbability
        }
    }

    /// The token at this position.
    public var token: Int
    /// log p(token | tokens before it).
    public var logProbability: Float
    /// The most likely tokens at this position, most likely first (ties to the lower id).
    public var top: [Candidate]

    /// Creates a scored position.
    public init(token: Int, logProbability: Float, top: [Candidate]) {
        self.token = token
        self.logProbability = logProbability
        self.top = top
    }
}
