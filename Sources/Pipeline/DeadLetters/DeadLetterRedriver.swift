import Foundation
import JSON
import Kafka
import Logging

/// `thinkstream dlq`: lists the dead-letter topic and puts chosen dead letters' raw documents back on the raw topic.
///
/// A redrive is one Kafka transaction holding the raw records (headers `redrive.attempt`, `redrive.original`,
/// `redrive.dead_letter`) and one ledger record per dead letter on ``TopicNames/redriveLedger``, so both land or
/// neither does. The producer's transactional id is fixed per topic prefix: a second redrive running at the same
/// time fences the first. The ledger is read after that, so a dead letter is never re-driven twice.
public final class DeadLetterRedriver {
    public let topics: TopicNames
    let client: KafkaClientConfiguration
    let logger: Logger
    static let ledgerSchema = RecordSchema(name: "dlq-redrive", version: 1)

    public init(topics: TopicNames, client: KafkaClientConfiguration, logger: Logger) {
        self.topics = topics
        self.client = client
        self.logger = logger
    }

    /// Every dead letter (committed, in topic order) with its redrive from the ledger.
    /// - Throws: `KafkaError` when the broker cannot be read.
    public func entries() throws -> [DeadLetterEntry] {
        let ledger = try readLedger()
        let byDeadLetter = Dictionary(ledger.map { ($0.deadLetter, $0) }, uniquingKeysWith: { first, _ in first })
        let records = try CommittedTopicReader.readAll(
            topic: topics.deadLetters, schema: .deadLetter, client: client, logger: logger
        ).records
        return records.compactMap { record in
            let coordinate = "\(record.topic)[\(record.partition)]@\(record.offset)"
            guard let letter = try? DeadLetter.decode(record.value) else {
                logger.warning("not a dead-letter/1 record; skipped", metadata: ["kafka.record": "\(coordinate)"])
                return nil
            }
            let timestamp = record.timestampMilliseconds.map { Date(timeIntervalSince1970: Double($0) / 1000) }
            return DeadLetterEntry(
                coordinate: coordinate, timestamp: timestamp, letter: letter, redrive: byDeadLetter[coordinate])
        }
    }

    /// What a redrive did (or, dry, would do).
    public struct Summary: Sendable {
        /// The dead letters put back, with their ledger entries.
        public var redriven: [DeadLetterEntry.Redrive] = []
        /// Dead letters matched but already re-driven earlier.
        public var alreadyRedriven: [String] = []
        /// Dead letters matched that cannot be re-driven, with the reason.
        public var refused: [(coordinate: String, reason: String)] = []
    }

    /// Puts the raw documents of the dead letters matching `filter` back on the raw topic, exactly once.
    ///
    /// Only dead letters whose kept bytes are a whole raw-document record can go back (augment's; feed's hold a line
    /// of an input file: fix the file and feed it again; a truncated one lost bytes).
    /// - Parameter dryRun: report what would be re-driven, produce nothing.
    /// - Throws: `KafkaError` when the transaction fails (nothing of it is then visible; run it again).
    public func redrive(_ filter: DeadLetterFilter, dryRun: Bool = false) async throws -> Summary {
        var producerClient = client
        producerClient.properties["message.max.bytes"] = producerClient.properties["message.max.bytes"] ?? "16777216"
        let producer = try KafkaProducer(
            configuration: .init(client: producerClient, transactionalID: "thinkstream-dlq-redrive-\(topics.prefix)"),
            logger: logger)
        defer { producer.close(timeout: .seconds(5)) }
        if !dryRun {
            let admin = try KafkaAdmin(configuration: client, logger: logger)
            _ = try admin.metadata()  // an unreachable cluster fails here, named, not as a transaction timeout
            try await producer.initTransactions()
            _ = try admin.createTopics([topics.redriveLedger], partitions: 1)
        }
        let ledger = try readLedger()
        let byRaw = Dictionary(ledger.map { ($0.raw, $0) }, uniquingKeysWith: { first, _ in first })
        var summary = Summary()
        var chosen: [(entry: DeadLetterEntry, document: RawDocument)] = []
        for entry in try entries() where filter.matches(entry) {
            if entry.redrive != nil {
                summary.alreadyRedriven.append(entry.coordinate)
            } else if entry.letter.isRawTruncated {
                summary.refused.append(
                    (
                        entry.coordinate,
                        "only \(entry.letter.raw.count) of its \(entry.letter.rawSizeBytes) bytes were kept"
                    ))
            } else if let document = try? RawDocument.decode(entry.letter.raw) {
                chosen.append((entry, document))
            } else {
                summary.refused.append(
                    (
                        entry.coordinate,
                        "its bytes are not a raw-document record (a \(entry.letter.component) dead letter of \(entry.letter.sourceFile); fix the input and feed it again)"
                    ))
            }
        }
        guard !chosen.isEmpty else { return summary }
        if dryRun {
            summary.redriven = chosen.map { item in
                let previous = byRaw[item.entry.letter.sourceFile]
                return .init(
                    deadLetter: item.entry.coordinate, raw: "(dry run)", attempt: (previous?.attempt ?? 0) + 1,
                    original: previous?.original ?? item.entry.letter.sourceFile)
            }
            return summary
        }
        try await producer.beginTransaction()
        do {
            for (entry, document) in chosen {
                let previous = byRaw[entry.letter.sourceFile]
                let attempt = (previous?.attempt ?? 0) + 1
                let original = previous?.original ?? entry.letter.sourceFile
                let report = try await producer.produce(
                    topic: topics.raw, key: Array(document.id.utf8), value: entry.letter.raw,
                    headers: [
                        RecordSchema.rawDocument.header, KafkaHeader(name: "redrive.attempt", string: String(attempt)),
                        KafkaHeader(name: "redrive.original", string: original),
                        KafkaHeader(name: "redrive.dead_letter", string: entry.coordinate),
                    ])
                let redrive = DeadLetterEntry.Redrive(
                    deadLetter: entry.coordinate, raw: "\(report.topic)[\(report.partition)]@\(report.offset)",
                    attempt: attempt,
                    original: original)
                try producer.send(
                    topic: topics.redriveLedger, key: Array(entry.coordinate.utf8), value: Self.encode(redrive),
                    headers: [Self.ledgerSchema.header])
                summary.redriven.append(redrive)
            }
            try await producer.commitTransaction()
        } catch {
            try? await producer.abortTransaction()
            throw error
        }
        logger.info(
            "dead letters re-driven",
            metadata: ["dlq.redriven": "\(summary.redriven.count)", "dlq.topic": "\(topics.raw)"])
        return summary
    }

    private func readLedger() throws -> [DeadLetterEntry.Redrive] {
        try CommittedTopicReader.readAll(
            topic: topics.redriveLedger, schema: Self.ledgerSchema, client: client, logger: logger
        )
        .records.compactMap { record in
            guard let value = try? JSONParser.parse(record.value), let deadLetter = value["dead_letter"]?.stringValue,
                let raw = value["raw"]?.stringValue, let original = value["original"]?.stringValue,
                case .number(let attempt)? = value["attempt"], let attemptNumber = Int(attempt)
            else { return nil }
            return .init(deadLetter: deadLetter, raw: raw, attempt: attemptNumber, original: original)
        }
    }

    static func encode(_ redrive: DeadLetterEntry.Redrive) -> [UInt8] {
        JSONWriter.encode(
            .object([
                ("dead_letter", .string(redrive.deadLetter)), ("raw", .string(redrive.raw)),
                ("attempt", .number(String(redrive.attempt))), ("original", .string(redrive.original)),
            ]))
    }
}
