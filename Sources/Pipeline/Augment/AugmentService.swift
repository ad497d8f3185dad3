import Foundation
import Kafka
import Logging
import Shards
import Synchronization

/// `thinkstream augment`: one worker of the consumer group on the raw topic. It reads documents, streams them to a
/// `DocumentAugmenting` (a new document starts as soon as one of the running ones finishes; partitions paused while
/// the window is full, so the group stays alive), packs samples into shards and commits each shard, its dead letters and the input offsets it covers in one Kafka
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

    /// Runs until `isCancelled` returns true, then finishes the documents in flight, commits the open shard and
    /// leaves the group.
    ///
    /// Documents stream through an ``AdmissionWindow``: a new one starts whenever one of the
    /// `maxDocumentsInFlight` running documents finishes (partitions paused while the window is full, polled so the
    /// group membership stays alive), and finished documents are recorded in consumption order.
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
        let window = AdmissionWindow(
            maxRunning: configuration.maxDocumentsInFlight,
            maxHeld: configuration.maxDocumentsInFlight * Self.heldDocumentsPerRunningDocument)
        var waiting: [Collected] = []
        var paused: [KafkaTopicPartition]?
        var lastInput = ContinuousClock.now
        do {
            while true {
                let stopping = isCancelled()
                let current = generation.value.load(ordering: .relaxed)
                if state.generation != current {
                    state.reset(generation: current)
                    window.drop { $0.collected.generation != current }
                    waiting.removeAll { $0.generation != current }
                }
                try window.collectReports()
                for (collected, outcome) in window.takeDecidedPrefix() {
                    record(
                        collected.message, outcome, consumedAt: collected.consumedAt, into: &state, summary: &summary)
                    if state.builder.isFull() { try await commit(&state, summary: &summary, onShard: onShard) }
                }
                let drained = window.isEmpty && waiting.isEmpty
                // Idle time counts from the last moment the worker held work, not from the last record polled:
                // while the window is full the partitions are paused and nothing arrives.
                if !drained { lastInput = ContinuousClock.now }
                if drained, !state.builder.isEmpty, ContinuousClock.now - lastInput >= configuration.idleFlush {
                    try await commit(&state, summary: &summary, onShard: onShard)
                }
                if stopping {
                    if window.isEmpty { break }
                    if augmenter.isWaitingForGenerator {
                        logger.warning(
                            "stopping while the generator is unavailable; the documents in flight stay uncommitted and are read again by the next worker",
                            metadata: ["augment.documents_in_flight": "\(window.entries.count)"])
                        await window.cancelAll()
                        break
                    }
                }
                if let stopWhenIdle, drained, state.builder.isEmpty, ContinuousClock.now - lastInput >= stopWhenIdle {
                    break
                }
                let admitting = !stopping && window.hasRoom
                if admitting, let partitions = paused {
                    try? consumer.resume(partitions)
                    paused = nil
                } else if !admitting, paused == nil {
                    paused = (try? consumer.assignment()) ?? []
                    try? consumer.pause(paused ?? [])
                }
                if admitting, !waiting.isEmpty {
                    admit(waiting.removeFirst(), to: window)
                } else {
                    // Waits inside librdkafka on the consumer's thread: a record is taken as soon as it arrives, and
                    // a full window still polls, which keeps the group membership alive.
                    let wait: Duration = window.isEmpty ? .milliseconds(200) : .milliseconds(20)
                    if case .message(let message)? = try await consumer.nextEvent(within: wait) {
                        let collected = Collected(
                            message: message, generation: generation.value.load(ordering: .relaxed))
                        lastInput = ContinuousClock.now
                        if admitting {
                            admit(collected, to: window)
                        } else {
                            // Something is not paused: a rebalance assigned partitions after the pause. Pause them
                            // too, so records do not pile up here while the window is full.
                            waiting.append(collected)
                            paused = (try? consumer.assignment()) ?? []
                            try? consumer.pause(paused ?? [])
                        }
                    }
                }
                load.set(inFlightDocuments: state.consumedAt.count + window.entries.count + waiting.count)
                load.set(runningDocuments: window.running)
            }
        } catch {
            await window.cancelAll()
            load.set(inFlightDocuments: 0)
            load.set(runningDocuments: 0)
            throw error
        }
        if !state.builder.isEmpty, state.generation == generation.value.load(ordering: .relaxed) {
            try await commit(&state, summary: &summary, onShard: onShard)
        }
        load.set(inFlightDocuments: 0)
        load.set(runningDocuments: 0)
        return summary
    }

    /// Documents held (running, or finished behind a slower one) per running document allowed.
    static let heldDocumentsPerRunningDocument = 4

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
