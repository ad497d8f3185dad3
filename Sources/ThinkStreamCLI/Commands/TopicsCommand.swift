import ArgumentParser
import Foundation
import Kafka
import Logging
import Pipeline

/// `thinkstream topics`: topics, partitions, record counts, and each consumer group's committed offsets and lag.
struct TopicsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topics",
        abstract: "List topics with per-partition record counts, and consumer groups with committed offsets and lag.")

    @OptionGroup var kafka: KafkaOptions

    @Flag(help: "Create the ThinkStream topics that are missing first.")
    var create = false

    @Option(help: "Partitions for topics created with --create (default 3).")
    var partitions: Int32 = 3

    @Flag(help: "Include topics that do not start with the ThinkStream prefix.")
    var all = false

    func run() throws {
        let logger = try CommandBootstrap.start(command: "topics")
        do {
            let admin = try KafkaAdmin(
                configuration: try kafka.clientConfiguration(clientID: "thinkstream-topics"), logger: logger)
            if create { try TopicSetup.ensureTopics(kafka.topics, partitions: partitions, admin: admin) }
            let metadata = try admin.metadata()
            let topics = metadata.topics.filter {
                $0.error == nil && (all || $0.name.hasPrefix(kafka.topics.prefix + "."))
            }
            var endOffsets: [KafkaTopicPartition: Int64] = [:]
            print(
                "TOPIC".padding(28) + "PARTITION".padding(11) + "RECORDS".padding(10) + "MARKERS".padding(10)
                    + "END OFFSET")
            for topic in topics {
                let counts = try admin.countRecords(topic: topic.name)
                for count in counts {
                    endOffsets[KafkaTopicPartition(topic: topic.name, partition: count.partition)] = count.endOffset
                    print(
                        topic.name.padding(28) + "\(count.partition)".padding(11) + "\(count.records)".padding(10)
                            + "\(count.transactionMarkers)".padding(10) + "\(count.endOffset)")
                }
                let markers = counts.reduce(0) { $0 + $1.transactionMarkers }
                print(
                    "\(topic.name): \(counts.reduce(0) { $0 + $1.records }) records in \(counts.count) partitions"
                        + (markers > 0 ? " (+\(markers) transaction end markers)" : ""))
            }
            try printGroups(admin: admin, topics: topics.map(\.name), endOffsets: endOffsets)
        } catch {
            throw CommandBootstrap.fail(error)
        }
    }

    private func printGroups(admin: KafkaAdmin, topics: [String], endOffsets: [KafkaTopicPartition: Int64]) throws {
        let groups = try admin.consumerGroups().filter { !$0.hasPrefix("thinkstream-count-") }
        guard !groups.isEmpty else {
            print("no consumer groups")
            return
        }
        print("GROUP".padding(28) + "TOPIC".padding(28) + "PARTITION".padding(11) + "COMMITTED".padding(11) + "LAG")
        let partitions = endOffsets.keys.sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) }
        for group in groups {
            let consumer = try KafkaConsumer(
                configuration: .init(client: admin.configuration, groupID: group),
                logger: .init(label: "thinkstream.topics"))
            defer { consumer.close() }
            for offset in try consumer.committed(partitions) where offset.offset >= 0 {
                let end = endOffsets[offset.topicPartition] ?? offset.offset
                print(
                    group.padding(28) + offset.topic.padding(28) + "\(offset.partition)".padding(11)
                        + "\(offset.offset)".padding(11) + "\(max(0, end - offset.offset))")
            }
        }
    }
}

extension String {
    /// Left-aligned in a column of `width` characters (at least one space after).
    func padding(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
