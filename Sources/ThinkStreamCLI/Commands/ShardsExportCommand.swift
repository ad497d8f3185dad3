import ArgumentParser
import Foundation
import Kafka
import Pipeline

/// `thinkstream shards export`: every committed shard record of the shards topic, saved to a directory.
struct ShardsExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Save every committed shard record of <prefix>.shards to a directory (value bytes + manifest.json).",
        discussion: """
            Reads each partition from its beginning to its end read_committed (records of aborted transactions and \
            transaction markers are hidden, as for train), and writes one file per shard record with its exact value \
            bytes, in topic order (partitions ascending, offsets ascending), then manifest.json listing each file with \
            its source partition and offset, key, headers and sha256. `shards import` replays the directory.
            Exit codes: 0 written, 64 usage or a non-empty --out without --force, 69 broker unreachable, 70 I/O error.
            """)

    @OptionGroup var kafka: KafkaOptions

    @Option(help: "Directory to write (created; must be empty unless --force).")
    var out: String

    @Flag(help: "Replace the shard files and manifest of a non-empty --out.")
    var force = false

    @Option(help: "Seconds reading the topic may take.")
    var timeout: Double = 120

    func run() throws {
        let logger = try CommandBootstrap.start(command: "shards")
        do {
            let topic = kafka.topics.shards
            let existing = (try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []
            if !existing.isEmpty && !force {
                throw PipelineError(
                    .invalidConfiguration,
                    "\(out): not empty (\(existing.count) entries); choose an empty directory or pass --force")
            }
            let (records, skipped) = try ShardTopicReader.readAll(
                topic: topic, client: try kafka.clientConfiguration(clientID: "thinkstream-shards-export"),
                logger: logger,
                timeout: .milliseconds(Int64(timeout * 1000)))
            let archive = try ShardArchive.write(records, topic: topic, to: out, force: force)
            let bytes = archive.records.reduce(0) { $0 + $1.bytes }
            print(
                "exported \(archive.records.count) shard records (\(bytes) bytes) of \(topic) to \(out)"
                    + (skipped > 0 ? ", skipped \(skipped) records without the shard schema header" : ""))
        } catch {
            throw CommandBootstrap.fail(error)
        }
    }
}
