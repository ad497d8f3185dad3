import Crypto
import Foundation
import Kafka
import Logging

/// `thinkstream feed`: reads corpora and produces one raw-document record per document, keyed by id, to the raw
/// topic; refused records go to the dead-letter topic. Runs synchronously on the calling thread (a CLI's main
/// thread or a dedicated one): parsing and hashing are CPU work that does not belong on the cooperative pool.
public final class FeedService {
    public let configuration: FeedConfiguration
    private let producer: KafkaProducer
    private let logger: Logger
    private let parser: DocumentParser
    private var seenContent: Set<SHA256Digest> = []
    private var digestByID: [String: SHA256Digest] = [:]
    private var summary = FeedSummary()

    /// - Throws: `PipelineError` for an invalid configuration.
    public init(configuration: FeedConfiguration, producer: KafkaProducer, logger: Logger) throws {
        try configuration.validate()
        self.configuration = configuration
        self.producer = producer
        self.logger = logger
        self.parser = DocumentParser(configuration: configuration)
    }

    /// Reads every input, produces, then flushes and checks every delivery.
    /// - Parameters:
    ///   - isCancelled: polled between records; when true the run stops reading, flushes and returns.
    ///   - onDeadLetter: called for each refused record (the CLI prints one stderr line naming file and line).
    ///   - onProgress: called about every 256 records and at the end.
    /// - Throws: `PipelineError` `.badRecord` in strict mode, `.unreadableInput`, `.deliveryFailed` if the broker
    ///   did not acknowledge everything within the flush timeout; `KafkaError` for produce failures.
    public func run(
        inputs: [FeedInput], flushTimeout: Duration = .seconds(60), isCancelled: () -> Bool = { false },
        onDeadLetter: (DeadLetter) -> Void = { _ in }, onProgress: (FeedProgress) -> Void = { _ in }
    ) throws -> FeedSummary {
        let started = ContinuousClock.now
        let totalBytes: Int64? =
            inputs.allSatisfy { $0.sizeBytes != nil } ? inputs.reduce(0) { $0 + $1.sizeBytes! } : nil
        var completedBytes: Int64 = 0
        var failure: (any Error)?
        inputLoop: for input in inputs {
            let reader = try ChunkedFileReader(input: input, maxLineBytes: configuration.maxLineBytes)
            func report() {
                summary.bytesRead = completedBytes + reader.bytesConsumed
                summary.seconds = (ContinuousClock.now - started) / .seconds(1)
                onProgress(FeedProgress(summary: summary, totalBytes: totalBytes, currentInput: input.path))
            }
            do {
                if input.format == .plainText {
                    if let contents = try reader.readAll(maxBytes: configuration.maxDocumentBytes) {
                        try contents.withUnsafeBufferPointer { bytes in
                            try accept(
                                parser.parseTextFile(contents, file: input.path), raw: bytes, file: input.path,
                                line: nil,
                                onDeadLetter: onDeadLetter)
                        }
                    } else {
                        // Not read past the limit: the refusal names the size the file has (or, for stdin, at least).
                        summary.read += 1
                        let size = input.sizeBytes.map { "\($0) bytes" } ?? "over \(reader.bytesConsumed) bytes"
                        try deadLetter(
                            reason: .documentTooLarge,
                            message:
                                "text file is \(size), over the \(configuration.maxDocumentBytes)-byte limit (feed.maxDocumentBytes)",
                            raw: UnsafeBufferPointer(start: nil, count: 0), file: input.path, line: nil,
                            onDeadLetter: onDeadLetter)
                    }
                } else {
                    var lineNumber = 0
                    while try reader.nextLine({ line -> Void in
                        lineNumber += 1
                        switch line {
                        case .complete(let bytes):
                            let outcome = parser.parseJSONLine(bytes, file: input.path, line: lineNumber)
                            try accept(
                                outcome, raw: bytes, file: input.path, line: lineNumber, onDeadLetter: onDeadLetter)
                        case .oversized(let prefix, let byteCount):
                            summary.read += 1
                            try deadLetter(
                                reason: .lineTooLong,
                                message:
                                    "line is \(byteCount) bytes, over the \(configuration.maxLineBytes)-byte limit "
                                    + "(8 × feed.maxDocumentBytes); skipped unread (is this a binary file?)",
                                raw: prefix, file: input.path, line: lineNumber, onDeadLetter: onDeadLetter)
                        }
                    }) != nil {
                        if lineNumber & 255 == 0 {
                            report()
                            if isCancelled() {
                                summary.interrupted = true
                                break inputLoop
                            }
                        }
                    }
                }
            } catch {
                failure = error
                report()
                break inputLoop
            }
            report()
            completedBytes += reader.bytesConsumed
            if isCancelled() {
                summary.interrupted = true
                break
            }
        }
        try finish(flushTimeout: flushTimeout, started: started)
        onProgress(FeedProgress(summary: summary, totalBytes: totalBytes, currentInput: ""))
        if let failure { throw failure }
        return summary
    }

    private func accept(
        _ outcome: DocumentParser.Outcome, raw: UnsafeBufferPointer<UInt8>, file: String, line: Int?,
        onDeadLetter: (DeadLetter) -> Void
    ) throws {
        switch outcome {
        case .blank:
            summary.blankLines += 1
        case .refused(let reason, let message):
            summary.read += 1
            try deadLetter(
                reason: reason, message: message, raw: raw, file: file, line: line, onDeadLetter: onDeadLetter)
        case .document(let document, let digest):
            summary.read += 1
            if let known = digestByID[document.id], known != digest {
                try deadLetter(
                    reason: .conflictingID,
                    message: "id '\(document.id)' was already used in this run for a different text",
                    raw: raw, file: file, line: line, onDeadLetter: onDeadLetter)
                return
            }
            guard seenContent.insert(digest).inserted else {
                summary.duplicates += 1
                return
            }
            digestByID[document.id] = digest
            try producer.send(
                topic: configuration.topics.raw, key: Array(document.id.utf8), value: document.encoded(),
                headers: [RecordSchema.rawDocument.header])
            summary.produced += 1
        }
    }

    private func deadLetter(
        reason: DeadLetter.Reason, message: String, raw: UnsafeBufferPointer<UInt8>, file: String, line: Int?,
        onDeadLetter: (DeadLetter) -> Void
    ) throws {
        let letter = DeadLetter(
            component: "feed", reason: reason, message: message, sourceFile: file, sourceLine: line, raw: raw,
            rawLimitBytes: configuration.deadLetterRawLimitBytes)
        try producer.send(
            topic: configuration.topics.deadLetters, key: Array("\(file):\(line ?? 0)".utf8), value: letter.encoded(),
            headers: [
                RecordSchema.deadLetter.header, KafkaHeader(name: "error.code", string: reason.rawValue),
                KafkaHeader(name: "error.message", string: message),
            ])
        summary.deadLettered += 1
        summary.deadLettersByReason[reason.rawValue, default: 0] += 1
        onDeadLetter(letter)
        if configuration.strict {
            throw PipelineError(.badRecord, "\(file)\(line.map { ":\($0)" } ?? ""): \(reason): \(message) (--strict)")
        }
    }

    private func finish(flushTimeout: Duration, started: ContinuousClock.Instant) throws {
        defer { summary.seconds = (ContinuousClock.now - started) / .seconds(1) }
        do {
            try producer.flush(timeout: flushTimeout)
        } catch {
            throw PipelineError(
                .deliveryFailed, "\(error); \(summary.produced + summary.deadLettered) records were accepted",
                cause: error)
        }
        let tally = producer.deliveryTally
        if tally.failed > 0 {
            let servers = producer.configuration.client.bootstrapServers
            throw PipelineError(
                .deliveryFailed,
                "\(tally.failed) of \(tally.delivered + tally.failed) records were not delivered to the broker at \(servers): "
                    + (tally.lastFailure ?? "unknown error")
                    + (producer.lastTransportError.map { " (last connection error: \($0))" } ?? "")
                    + "; check that the broker runs and is reachable from this host")
        }
    }
}
