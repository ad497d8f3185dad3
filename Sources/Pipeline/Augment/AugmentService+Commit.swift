import Foundation
import Kafka
import Logging
import Shards
import Synchronization

extension AugmentService {
    /// Adds one record's outcome to the open shard: its samples, or a dead letter; either way its offset is covered.
    func record(
        _ record: KafkaMessage, _ outcome: AugmentOutcome, consumedAt: ContinuousClock.Instant,
        into state: inout ShardState,
        summary: inout AugmentSummary
    ) {
        summary.documentsIn += 1
        state.consumedAt.append(consumedAt)
        switch outcome {
        case .samples(let samples):
            if let first = samples.first {
                summary.documentTokens += first.documentSpan.tokenEnd - first.documentSpan.tokenStart
            }
            for sample in samples {
                summary.sampleTokens += sample.tokenIDs.count
                state.builder.add(sample)
                summary.samplesOut += 1
                summary.thinkingTokens += sample.thinkingTokenCount
                summary.samplesByLevel[sample.level, default: 0] += 1
                summary.thinkingTokensByLevel[sample.level, default: []].append(sample.thinkingTokenCount)
            }
        case .failed(let reason, let explanation):
            let letter = DeadLetter(
                component: "augment", reason: reason, message: explanation,
                sourceFile: "\(record.topic)[\(record.partition)]@\(record.offset)", sourceLine: nil, raw: record.value,
                rawLimitBytes: configuration.deadLetterRawLimitBytes)
            state.deadLetters.append(
                PendingRecord(
                    topic: configuration.topics.deadLetters, key: record.key ?? [], value: letter.encoded(),
                    headers: [
                        RecordSchema.deadLetter.header, KafkaHeader(name: "error.code", string: reason.rawValue),
                        KafkaHeader(name: "error.message", string: explanation),
                    ]))
            state.builder.addDeadLetter()
            summary.deadLetters += 1
            summary.deadLettersByReason[reason.rawValue, default: 0] += 1
            logger.warning(
                "augment dead letter",
                metadata: [
                    "kafka.topic": "\(record.topic)", "kafka.partition": "\(record.partition)",
                    "kafka.offset": "\(record.offset)", "error.code": "\(reason)", "error.message": "\(explanation)",
                ])
        }
        state.builder.cover(topic: record.topic, partition: record.partition, offset: record.offset)
    }

    /// Commits the open shard, its dead letters and the input offsets it covers in one transaction, then starts a
    /// new shard. A failed transaction is aborted (nothing of it becomes visible on brokers that hide aborted
    /// transactions; others deliver it, and consumers drop it by sample id) and redone with backoff, up to
    /// ``transactionAttempts`` times; a fenced producer (another worker took over its transactional id) is not redone.
    /// When a rebalance took the partitions meanwhile, the shard is dropped instead: its new owner reads the input
    /// again.
    /// - Throws: the last `KafkaError` when every attempt failed or the producer was fenced.
    func commit(
        _ state: inout ShardState, summary: inout AugmentSummary,
        onShard: @Sendable (ShardManifest, [ShardSample], AugmentSummary) -> Void
    ) async throws {
        let (manifest, value) = try state.builder.build(
            generator: augmenter.generator, tokenizer: augmenter.tokenizerName)
        let offsets = state.builder.offsetsToCommit.map {
            KafkaPartitionOffset(topic: $0.topic, partition: $0.partition, offset: $0.offset)
        }
        var backoff = Duration.seconds(1)
        for attempt in 1...Self.transactionAttempts {
            do {
                try await commitTransaction(
                    manifest: manifest, value: value, deadLetters: state.deadLetters, offsets: offsets)
                break
            } catch let error as KafkaError where attempt < Self.transactionAttempts && !Self.isFenced(error) {
                logger.warning(
                    "shard transaction failed and was aborted; redoing it",
                    metadata: [
                        "shard.id": "\(manifest.shardID)", "transaction.attempt": "\(attempt)",
                        "error.code": "\(error.code)", "error.message": "\(error.message)",
                        "retry.in_seconds": "\(backoff)",
                    ])
                try await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(16))
                if generation.value.load(ordering: .relaxed) != state.generation {
                    logger.warning(
                        "a rebalance took the partitions while the transaction was retried; the shard is dropped and its input read again by the new owner",
                        metadata: ["shard.id": "\(manifest.shardID)"])
                    state.reset(generation: generation.value.load(ordering: .relaxed))
                    return
                }
            }
        }
        summary.shardsCommitted += manifest.sampleCount > 0 ? 1 : 0
        logger.info(
            "shard committed",
            metadata: [
                "shard.id": "\(manifest.shardID)", "shard.samples": "\(manifest.sampleCount)",
                "shard.dead_letters": "\(manifest.deadLetterCount)", "shard.bytes": "\(value.count)",
            ])
        let committedAt = ContinuousClock.now
        summary.lastShardDocumentLatencies = state.consumedAt.map { committedAt - $0 }
        onShard(manifest, state.builder.samples, summary)
        state.reset(generation: state.generation)
    }

    /// Tries of one shard's transaction before the worker gives up (with backoff of 1, 2, 4, 8 s between them).
    static let transactionAttempts = 5

    /// One transaction: the shard, its dead letters and the input offsets; aborted when any step fails. The calls
    /// that wait for the broker run on the producer's thread (the shard's acknowledgement is awaited, not flushed).
    private func commitTransaction(
        manifest: ShardManifest, value: [UInt8], deadLetters: [PendingRecord], offsets: [KafkaPartitionOffset]
    ) async throws {
        try await producer.beginTransaction()
        do {
            if manifest.sampleCount > 0 {
                _ = try await producer.produce(
                    topic: configuration.topics.shards, key: Array(manifest.shardID.utf8), value: value,
                    headers: [RecordSchema.shard.header, KafkaHeader(name: "shard.id", string: manifest.shardID)])
                CrashHook.reach(.afterShardProduced)
            }
            for letter in deadLetters {
                try producer.send(topic: letter.topic, key: letter.key, value: letter.value, headers: letter.headers)
            }
            try await producer.sendOffsetsToTransaction(offsets, consumer: consumer)
            CrashHook.reach(.afterOffsetsSent)
            try await producer.commitTransaction(beforeCommit: { CrashHook.reach(.beforeCommit) })
            CrashHook.reach(.afterCommit)
        } catch {
            try? await producer.abortTransaction()
            throw error
        }
    }

    /// Whether the producer lost its transactional id to a newer worker: redoing would only be refused again.
    static func isFenced(_ error: KafkaError) -> Bool {
        let name = error.librdkafkaError ?? ""
        return name.contains("FENCED") || name == "INVALID_PRODUCER_EPOCH"
    }
}

/// What an augment worker did.
public struct AugmentSummary: Sendable, Equatable {
    public var documentsIn = 0
    public var samplesOut = 0
    public var shardsCommitted = 0
    public var deadLetters = 0
    public var thinkingTokens = 0
    /// Tokens of the documents that produced samples (each document once) and of all their samples.
    public var documentTokens = 0
    public var sampleTokens = 0
    /// Consume-to-commit time of each document (samples or dead letter) in the shard committed last.
    public var lastShardDocumentLatencies: [Duration] = []
    public var samplesByLevel: [ReasoningLevel: Int] = [:]
    public var deadLettersByReason: [String: Int] = [:]
    /// Thinking tokens of every sample, by reasoning level (for mean and p95).
    public var thinkingTokensByLevel: [ReasoningLevel: [Int]] = [:]
    public init() {}

    /// Augmented tokens ÷ raw tokens: what up-sampling and thinking multiplied the documents' training tokens by.
    public var expansionRatio: Double? { documentTokens > 0 ? Double(sampleTokens) / Double(documentTokens) : nil }

    /// Mean and 95th percentile of thinking tokens per level.
    public var thinkingTokenStatistics: [(level: ReasoningLevel, samples: Int, mean: Double, p95: Int)] {
        thinkingTokensByLevel.sorted { $0.key < $1.key }.map { level, counts in
            let sorted = counts.sorted()
            let p95 = sorted[min(sorted.count - 1, Int((Double(sorted.count) * 0.95).rounded(.up)) - 1)]
            return (level, counts.count, Double(counts.reduce(0, +)) / Double(counts.count), p95)
        }
    }
}
