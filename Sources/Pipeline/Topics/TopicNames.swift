/// The four topics of a ThinkStream deployment, under one prefix (default `thinkstream`).
public struct TopicNames: Sendable, Equatable {
    public var prefix: String
    public init(prefix: String = "thinkstream") { self.prefix = prefix }

    public var raw: String { "\(prefix).raw" }
    public var shards: String { "\(prefix).shards" }
    public var metrics: String { "\(prefix).metrics" }
    public var deadLetters: String { "\(prefix).dlq" }
    public var all: [String] { [raw, shards, metrics, deadLetters] }
}
