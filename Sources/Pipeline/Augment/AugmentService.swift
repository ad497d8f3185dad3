import Foundation
import Kafka
import Logging
import Shards
import Synchronization

/// `thinkstream augment`: one worker of the consumer group on the raw topic. It reads documents, hands them to a
/// `DocumentAugmenting` in bounded batches (partitions paused while the engine works, so the group stays alive),
/// packs samples into shards and commits each shard, its dead letters and the input offsets it covers in one Kafka
/// transaction. Nothing is committed for work in progress: after a crash or a rebalance the uncommitted input is
/// read again and produces the same content-derived sample ids.
public final class AugmentService: Sendable {
    public let configuration: AugmentConfiguration
    let consumer: KafkaConsumer
    let producer: KafkaProducer
    let augmenter: any DocumentAugmenting
    let logger: Logger
    /// Bumped by every rebalance; work read under an older generation is dropped, not committed.
    let generation = RebalanceGeneration()
    /// Documents in flight and batch occupancy, for the worker's metrics.
    public let load: Load

    final class RebalanceGeneration: Sendable {
        let value = Atomic<Int>(0)
    }

    /// A record produced inside the next shard's transaction.
    struct PendingRecord {
        var topic: String
        var key: [UInt8]
        var value: [UInt8]
        var headers: [KafkaHeader]
    }

    struct Collected: Sendable {
        var message: KafkaMessage
        var generation: Int
        /// When the worker polled it (the start of its consume-to-shard latency).
        var consumedAt = ContinuousClock.now
    }

    /// - Throws: `KafkaError` or `PipelineError` for invalid settings.
    public init(
        configuration: AugmentConfiguration, client: KafkaClientConfiguration, augmenter: any DocumentAugmenting,
        logger: Logger
    ) throws {
        try configuration.validate()
        self.configuration = configuration
        self.augmenter = augmenter
        self.logger = logger
        load = Load(maxDocumentsInFlight: configuration.maxDocumentsInFlight)
        var consumerClient = client
        consumerClient.clientID = "\(client.clientID)-consumer"
        consumer = try KafkaConsumer(
            configuration: .init(client: consumerClient, groupID: configuration.groupID), logger: logger)
        var producerClient = client
        producerClient.properties["message.max.bytes"] = producerClient.properties["message.max.bytes"] ?? "16777216"
        producer = try KafkaProducer(
            configuration: .init(client: producerClient, transactionalID: configuration.transactionalID), logger: logger
        )
        consumer.onRebalance { [generation] event in
            generation.value.add(1, ordering: .relaxed)
            logger.info("augment rebalance", metadata: ["kafka.rebalance": "\(event)"])
        }
    }

    /// Runs until `isCancelled` returns true, then commits the complete part of the open shard and leaves the group.
    /// - Parameter onShard: called after each committed transaction with its manifest (nil-sample shards included).
    /// - Throws: `KafkaError` when a transaction cannot be committed (nothing of it is then visible), or what the
    ///   augmenter throws when the generator is unusable.
    /// - Parameter stopWhenIdle: return once no new input arrived for this long and nothing is left uncommitted
    ///   (batch jobs and demos); nil runs until cancelled.
    public func run(
        stopWhenIdle: Duration? = nil, isCancelled: @escaping @Sendable () -> Bool,
        onShard: @escaping @Sendable (ShardManifest, [ShardSample], AugmentSummary) -> Void = { _, _, _ in }
    ) async throws -> AugmentSummary {
        try await producer.initTransactions()
        try consumer.subscribe([configuration.topics.raw])
        defer {
            consumer.close()
            producer.close(timeout: .seconds(5))
        }
        var state = ShardState(limits: configuration.shardLimits)
        var summary = AugmentSummary()
        var carried: [Collected] = []
        var lastInput = ContinuousClock.now
        while !isCancelled() {
            var batch = carried
            carried = []
            let collectUntil = ContinuousClock.now + .milliseconds(200)
            // Waits inside librdkafka on the consumer's thread: a record is taken as soon as it arrives.
            while batch.count < configuration.maxDocumentsInFlight, ContinuousClock.now < collectUntil, !isCancelled() {
                let remaining = collectUntil - ContinuousClock.now
                if case .message(let message)? = try await consumer.nextEvent(within: remaining) {
                    batch.append(Collected(message: message, generation: generation.value.load(ordering: .relaxed)))
                }
            }
            let current = generation.value.load(ordering: .relaxed)
            if state.generation != current {
                state.reset(generation: current)
                batch.removeAll { $0.generation != current }
            }
            load.set(inFlightDocuments: state.consumedAt.count + batch.count)
            if batch.isEmpty {
                if !state.builder.isEmpty,
                    ContinuousClock.now - lastInput >= configuration.idleFlush || state.builder.isFull()
                {
                    try await commit(&state, summary: &summary, onShard: onShard)
                }
                if let stopWhenIdle, state.builder.isEmpty, ContinuousClock.now - lastInput >= stopWhenIdle { break }
                continue
            }
            lastInput = ContinuousClock.now
            let outcomes: [AugmentOutcome]
            let arrivedMeanwhile: [Collected]
            load.set(batchDocuments: batch.count)
            do {
                (outcomes, arrivedMeanwhile) = try await augmentKeepingMembership(
                    batch.map(\.message), isCancelled: isCancelled)
            } catch is StoppedDuringOutage {
                logger.warning(
                    "stopping while the generator is unavailable; the documents in flight stay uncommitted and are read again by the next worker",
                    metadata: ["augment.documents_in_flight": "\(batch.count)"])
                break
            }
            carried = arrivedMeanwhile
            lastInput = ContinuousClock.now
            load.set(batchDocuments: 0)
            guard generation.value.load(ordering: .relaxed) == current else { continue }
            for (collected, outcome) in zip(batch, outcomes) {
                record(collected.message, outcome, consumedAt: collected.consumedAt, into: &state, summary: &summary)
            }
            load.set(inFlightDocuments: state.consumedAt.count + carried.count)
            if state.builder.isFull() { try await commit(&state, summary: &summary, onShard: onShard) }
            load.set(inFlightDocuments: state.consumedAt.count + carried.count)
        }
        if !state.builder.isEmpty, state.generation == generation.value.load(ordering: .relaxed) {
            try await commit(&state, summary: &summary, onShard: onShard)
        }
        load.set(inFlightDocuments: 0)
        load.set(batchDocuments: 0)
        return summary
    }

    /// The open shard and the dead letters that commit with it, under one rebalance generation.
    struct ShardState {
        var builder: ShardBuilder
        var deadLetters: [PendingRecord] = []
        /// When each document of the shard was consumed.
        var consumedAt: [ContinuousClock.Instant] = []
        var generation = 0
        let limits: ShardLimits
        init(limits: ShardLimits) {
            self.limits = limits
            builder = ShardBuilder(limits: limits)
        }
        mutating func reset(generation: Int) {
            builder = ShardBuilder(limits: limits)
            deadLetters = []
            consumedAt = []
            self.generation = generation
        }
    }
}
