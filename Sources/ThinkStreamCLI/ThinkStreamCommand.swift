import ArgumentParser

/// `thinkstream`: streaming thinking-augmented pre-training data (TPT, arXiv 2509.20186).
@main
struct ThinkStreamCommand: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "thinkstream",
        abstract: "Thinking-augmented pre-training data, streamed through Kafka.",
        discussion: """
            feed → augment → train over Kafka topics <prefix>.raw, .shards, .metrics and .dlq.
            Every option can also come from the environment: --bootstrap-servers is THINKSTREAM_KAFKA_BOOTSTRAP_SERVERS.
            """,
        version: version,
        subcommands: [
            VersionCommand.self, BrokerCommand.self, TopicsCommand.self, FeedCommand.self, AugmentCommand.self,
            ShardsCommand.self, GenerateCommand.self, TokenizeCommand.self, BenchCommand.self, DashboardCommand.self,
            TopCommand.self, ConfigCommand.self, TrainCommand.self, EvalCommand.self, ScoreCommand.self,
            ServeCommand.self,
            DeadLetterCommand.self,
        ]
    )
}
