import ArgumentParser
import Foundation
import Kafka
import Pipeline

/// `thinkstream shards import`: a directory written by `shards export`, produced verbatim to the shards topic.
struct ShardsImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Produce the shard records of a `shards export` directory verbatim to <prefix>.shards.",
        discussion: """
            Checks every file against the manifest's size and sha256, creates the prefix's topics when missing (with \
            --partitions), produces each record's value, key and headers with an idempotent producer to its source \
            partition (modulo the topic's partition count: with one partition the topic holds the archive's order), \
            flushes, and verifies the topic holds exactly that many more committed shard records.
            Exit codes: 0 imported, 64 unreadable or changed archive, 69 broker unreachable, 70 records not delivered.
            """)

    @OptionGroup var kafka: KafkaOptions

    @Argument(help: "Directory written by `thinkstream shards export`.")
    var directory: String

    @Option(help: "Partitions of the topics it creates.")
    var partitions: Int32 = 3

    func run() throws {
        let logger = try CommandBootstrap.start(command: "shards")
        guard partitions >= 1 else { throw ValidationError("--partitions \(partitions): must be at least 1") }
        do {
            let (archive, entries) = try ShardArchive.load(from: directory)
            let summary = try ShardImporter.importEntries(
                entries, topics: kafka.topics, partitions: partitions,
                client: try kafka.clientConfiguration(clientID: "thinkstream-shards-import"), logger: logger)
            print(
                "imported \(summary.produced) shard records (exported from \(archive.topic)) into \(kafka.topics.shards) "
                    + "(\(summary.partitions) partitions): \(summary.before) → \(summary.after) shard records")
        } catch {
            throw CommandBootstrap.fail(error)
        }
    }
}
