import ArgumentParser
import Foundation
import Generation
import Kafka
import Pipeline
import Shards
import Logging

/// `thinkstream shards`: print a shard (`inspect`), save the shards topic to a directory (`export`) and replay one
/// (`import`).
struct ShardsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shards", abstract: "Work with shards.",
        subcommands: [Inspect.self, ShardsExportCommand.self, ShardsImportCommand.self, ShardsPackCommand.self])

    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a shard (manifest, then one line per sample) from a file or from the shards topic.")

        @OptionGroup var kafka: KafkaOptions

        @Option(help: "A shard file (a record value saved to disk).")
        var file: String?

        @Option(help: "Partition of the shards topic to read (default: every partition, the first shard found).")
        var partition: Int32?

        @Option(help: "Offset to start at, in --partition or in every partition (default: the first shard).")
        var offset: Int64 = 0

        @Flag(help: "Print every sample's full text.")
        var full = false

        func run() throws {
            let logger = try CommandBootstrap.start(command: "shards")
            do {
                let (value, source) =
                    try file.map { (Array(try Data(contentsOf: URL(fileURLWithPath: $0))), $0) }
                    ?? fetch(logger: logger)
                let (manifest, samples) = try ShardCodec.decode(value, source: source)
                print("shard \(manifest.shardID) (\(source))")
                print(
                    "  created \(manifest.createdAt), \(manifest.sampleCount) samples, \(manifest.deadLetterCount) dead letters, \(value.count) bytes compressed"
                )
                for input in manifest.inputs {
                    print("  input \(input.topic)[\(input.partition)] offsets \(input.firstOffset)…\(input.lastOffset)")
                }
                print(
                    "  tokens: document \(manifest.tokenCounts.document), thinking \(manifest.tokenCounts.thinking), total \(manifest.tokenCounts.total)"
                )
                print(
                    "  levels: "
                        + manifest.difficultyHistogram.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
                        .joined(separator: ", "))
                print(
                    "  generator: \(manifest.generator.modelFile) (sha256 \(manifest.generator.modelSHA256.prefix(12))…), template \(manifest.generator.templateID) v\(manifest.generator.templateVersion), T=\(manifest.generator.temperature) top-p \(manifest.generator.topP), \(manifest.generator.upsamplingMode)"
                )
                print("  checksum \(manifest.checksum) ✓")
                for sample in samples {
                    let thinking = sample.text.utf8.dropFirst(sample.thinkingSpan.byteStart).prefix(
                        sample.thinkingSpan.byteEnd - sample.thinkingSpan.byteStart)
                    let thinkingText = String(decoding: thinking, as: UTF8.self)
                    print(
                        "- \(sample.documentID) #\(sample.trajectoryIndex) level \(sample.level) (\(String(format: "%.2f", sample.difficultyScore))), \(sample.thinkingTokenCount) thinking tokens, \(sample.finishReason), \(sample.tokenIDs.count) trainer tokens"
                    )
                    print(
                        "  "
                            + (full
                                ? thinkingText
                                : String(thinkingText.prefix(160)).replacingOccurrences(of: "\n", with: " ")))
                }
            } catch {
                throw CommandBootstrap.fail(error)
            }
        }

        private func fetch(logger: Logging.Logger) throws -> ([UInt8], String) {
            let topic = kafka.topics.shards
            let consumer = try KafkaConsumer(
                configuration: .init(
                    client: try kafka.clientConfiguration(clientID: "thinkstream-shards"),
                    groupID: "thinkstream-inspect-\(UUID())"),
                logger: logger)
            defer { consumer.close() }
            // An unreachable broker fails here, named (exit 69).
            let partitions =
                try partition.map { [$0] } ?? consumer.metadata(topic: topic).topic(topic)?.partitions.map(\.id) ?? [0]
            try consumer.assign(partitions.map { .init(topic: topic, partition: $0, offset: offset) })
            let deadline = ContinuousClock.now + .seconds(10)
            while ContinuousClock.now < deadline {
                if case .message(let message)? = try consumer.poll(timeout: .milliseconds(100)),
                    message.header("schema") == RecordSchema.shard.description
                {
                    return (message.value, "\(topic)[\(message.partition)]@\(message.offset)")
                }
            }
            let place = partition.map { "\(topic)[\($0)]@\(offset)" } ?? "offset \(offset) of any partition of \(topic)"
            throw PipelineError(.unreadableInput, "no shard at or after \(place) within 10 s")
        }
    }
}
