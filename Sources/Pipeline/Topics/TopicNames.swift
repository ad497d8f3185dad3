/// The four topics of a ThinkStream deployment, under one prefix (default `thinkstream`).
public struct TopicNames: Sendable, Equatable {
    public var prefix: String
    public init(prefix: String = "thinkstream") { self.prefix = prefix }

    public var raw: String { "\(prefix).raw" }
    public var shards: String { "\(prefix).shards" }
    public var metrics: String { "\(prefix).metrics" }
    public var deadLetters: String { "\(prefix).dlq" }
    /// The ledger of re-driven dead letters (`thinkstream dlq redrive`), created by its first redrive.
    public var redriveLedger: String { "\(prefix).dlq-redriven" }
    public var all: [String] { [raw, shards, metrics, deadLetters] }
}
