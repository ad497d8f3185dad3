// The state of one `TrainService.run`: model, optimizer, packer, seen ids, Kafka clients and resume positions.
// Legend: B = micro-batch rows, K = gradient accumulation, T = positions per row.
import Foundation
import ModelConversion
import GGUF
import Kafka
import Logging
import Randomness
import Shards
import Training

struct TrainRun {
    let configuration: TrainConfiguration
    let logger: Logger
    let store: CheckpointStore
    let model: LlamaModel
    let optimizer: AdamW
    var random: SplitMix64
    var step: Int
    var packer: SequencePacker
    /// Between the reader and the packer when `shuffleBufferSamples > 0`.
    var shuffle: SampleShuffleBuffer?
    /// The duplicate filter of this epoch.
    var seen: RecentSampleFilter
    let tokenizer: TrainTokenizer
    let startModelPath: String?
    /// Replaced by a fresh consumer at each epoch boundary.
    var consumer: KafkaConsumer
    let consumerClient: KafkaClientConfiguration
    let producer: KafkaProducer
    /// The 0-based pass over the shards topic (`TrainConfiguration.epochs`).
    var epoch = 0
    /// Partitions of the shards topic, and those that reported their end in this epoch.
    var partitions: [Int32] = []
    var endedPartitions: Set<Int32> = []
    /// Next offset to read per partition: what the packer holds everything before.
    var offsets: [KafkaTopicPartition: Int64]
    var progress = TrainProgress()
    var evaluationSet: TrainEvaluationSet?
    var resumedFrom: String?
    /// Whether shards were accepted (or dead-lettered) since the last checkpoint.
    var hasUncheckpointedInput = false

    init(service: TrainService) throws {
        configuration = service.configuration
        logger = service.logger
        store = service.store
        var state: TrainService.TrainerState?
        if let loaded = try store.loadNewestValid() {
            for rejected in loaded.rejected {
                logger.warning("train checkpoint rejected", metadata: ["error.message": "\(rejected.message)"])
            }
            let checkpoint = loaded.checkpoint
            let restored = checkpoint.restore()
            model = restored.model
            optimizer = restored.optimizer
            random = restored.random
            step = checkpoint.step
            offsets = try Self.offsets(checkpoint.consumedOffsets, in: loaded.path)
            do {
                state = try JSONDecoder().decode(TrainService.TrainerState.self, from: Data(checkpoint.trainerState))
            } catch {
                throw TrainingError(
                    .corruptCheckpoint,
                    "\(loaded.path): no trainer state (\(error)); it was not written by thinkstream train")
            }
            resumedFrom = loaded.path
            logger.info("train resumed", metadata: ["train.checkpoint": "\(loaded.path)", "train.step": "\(step)"])
        } else {
            switch configuration.start {
            case .gguf(let path):
                model = try TrainModelSource.loadModel(from: try Self.open(path))
            case .fresh(let config, let seed):
                model = LlamaModel(config: config, seed: seed)
            }
            optimizer = AdamW(layout: model.layout, configuration: configuration.optimizer)
            random = SplitMix64(seed: 0x7468_696e_6b73_7472)
            step = 0
            offsets = [:]
        }
        if let state {
            startModelPath = state.startModelPath
            tokenizer =
                try startModelPath.map {
                    try TrainModelSource.tokenizer(
                        of: try Self.open($0), names: state.tokenizerNames, eosTokenID: state.eosTokenID)
                } ?? TrainModelSource.byteTokenizer(names: state.tokenizerNames, eosTokenID: state.eosTokenID)
            packer = SequencePacker(
                contextTokens: configuration.contextTokens, eosTokenID: state.eosTokenID, state: state.packer)
            if let keys = state.recentSampleKeys {
                seen = try RecentSampleFilter(capacity: configuration.duplicateWindowSamples, serialized: keys)
            } else {
                seen = RecentSampleFilter(capacity: configuration.duplicateWindowSamples)
                for id in state.seenSampleIDs ?? [] { _ = seen.insert(id) }
            }
            epoch = state.epoch ?? 0
            guard (state.documentOnly ?? false) == configuration.documentOnly else {
                throw PipelineError(
                    .invalidConfiguration,
                    "\(resumedFrom ?? configuration.checkpointDirectory): the run trained with documentOnly = "
                        + "\(state.documentOnly ?? false); resume it with the same --document-only setting, or use a new --checkpoint-dir"
                )
            }
            progress.totals = state.totals
            progress.lastCheckpointStep = step
            shuffle = Self.shuffleBuffer(configuration, restoring: state.shuffle, into: &packer)
        } else {
            if case .gguf(let path) = configuration.start {
                startModelPath = path
                tokenizer = try TrainModelSource.tokenizer(
                    of: try Self.open(path), names: configuration.tokenizerNames, eosTokenID: configuration.eosTokenID)
            } else {
                startModelPath = nil
                tokenizer = TrainModelSource.byteTokenizer(
                    names: configuration.tokenizerNames, eosTokenID: configuration.eosTokenID)
            }
            packer = SequencePacker(contextTokens: configuration.contextTokens, eosTokenID: tokenizer.eosTokenID)
            seen = RecentSampleFilter(capacity: configuration.duplicateWindowSamples)
            shuffle = Self.shuffleBuffer(configuration, restoring: nil, into: &packer)
        }
        guard tokenizer.eosTokenID >= 0, tokenizer.eosTokenID < model.config.vocab else {
            throw PipelineError(
                .invalidConfiguration,
                "train.eosTokenID = \(tokenizer.eosTokenID): outside the model's vocabulary 0..<\(model.config.vocab)")
        }
        progress.step = step
        progress.epoch = epoch
        progress.maxSteps = configuration.maxSteps
        if let path = configuration.evaluationFile {
            evaluationSet = try TrainEvaluationSet(
                path: path, tokenizer: tokenizer, maxDocuments: configuration.evaluationMaxDocuments,
                maxTokens: TrainEvaluationSet.defaultMaxTokens(contextTokens: configuration.contextTokens))
        }
        try Self.truncateStepLog(configuration.stepLogPath, before: step)
        var consumerClient = service.client
        consumerClient.clientID = "\(service.client.clientID)-consumer"
        consumerClient.properties["fetch.message.max.bytes"] =
            consumerClient.properties["fetch.message.max.bytes"] ?? "16777216"
        self.consumerClient = consumerClient
        consumer = try Self.makeConsumer(client: consumerClient, configuration: configuration, logger: logger)
        producer = try KafkaProducer(configuration: .init(client: service.client), logger: logger)
    }

    /// The shards consumer; it reports partition ends only when the run makes several passes.
    static func makeConsumer(client: KafkaClientConfiguration, configuration: TrainConfiguration, logger: Logger) throws
        -> KafkaConsumer
    {
        try KafkaConsumer(
            configuration: .init(
                client: client, groupID: configuration.groupID, autoOffsetReset: .earliest,
                reportPartitionEnd: configuration.epochs > 1),
            logger: logger)
    }

    /// The configured shuffle buffer with a checkpoint's pool. A saved pool with shuffling now off is packed at once
    /// (in its random order), so nothing it held is lost.
    static func shuffleBuffer(
        _ configuration: TrainConfiguration, restoring saved: SampleShuffleBuffer.State?,
        into packer: inout SequencePacker
    ) -> SampleShuffleBuffer? {
        guard configuration.shuffleBufferSamples > 0 else {
            if let saved {
                var leftover = SampleShuffleBuffer(capacity: 1, seed: 0, state: saved)
                for sample in leftover.drain() { packer.append(sample) }
            }
            return nil
        }
        return SampleShuffleBuffer(
            capacity: configuration.shuffleBufferSamples, seed: configuration.shuffleSeed, state: saved)
    }

    /// Hands a new sample to the packer, through the shuffle buffer when there is one.
    mutating func enqueue(_ sample: ShardSample) {
        guard shuffle != nil else { return packer.append(sample) }
        for released in shuffle!.insert(sample) { packer.append(released) }
    }

    /// Packs every sample waiting in the shuffle buffer; returns how many there were.
    mutating func drainShuffleBuffer() -> Int {
        guard let released = shuffle?.drain() else { return 0 }
        for sample in released { packer.append(sample) }
        return released.count
    }

    static func open(_ path: String) throws -> GGUFFile {
        do {
            return try GGUFFile(path: path)
        } catch {
            throw PipelineError(.unreadableInput, "\(path): cannot open the start model: \(error)", cause: error)
        }
    }

    /// A checkpoint's resume positions by partition.
    /// - Throws: `TrainingError` `.corruptCheckpoint` for a key that is not `topic/partition`.
    static func offsets(_ stored: [String: Int64], in path: String) throws -> [KafkaTopicPartition: Int64] {
        var offsets: [KafkaTopicPartition: Int64] = [:]
        for (key, offset) in stored {
            guard let topicPartition = KafkaTopicPartition(checkpointKey: key) else {
                throw TrainingError(.corruptCheckpoint, "\(path): resume position '\(key)' is not topic/partition")
            }
            offsets[topicPartition] = offset
        }
        return offsets
    }

    /// Assigns every partition of the shards topic at the checkpoint's offset, else the group's committed offset,
    /// else the beginning. Waits up to the request timeout for the topic to exist.
    mutating func assignPartitions() throws {
        let topic = configuration.topics.shards
        let deadline = ContinuousClock.now + .seconds(30)
        var partitions: [Int32] = []
        while partitions.isEmpty {
            partitions = (try? consumer.metadata(topic: topic).topic(topic)?.partitions.map(\.id)) ?? []
            if partitions.isEmpty {
                guard ContinuousClock.now < deadline else {
                    throw PipelineError(
                        .invalidConfiguration,
                        "topic \(topic) does not exist; create it with `thinkstream topics create`")
                }
                Thread.sleep(forTimeInterval: 0.2)
            }
        }
        let committed = try consumer.committed(partitions.map { KafkaTopicPartition(topic: topic, partition: $0) })
        var assignment: [KafkaPartitionOffset] = []
        for partition in partitions.sorted() {
            let stored = offsets[KafkaTopicPartition(topic: topic, partition: partition)]
            let groupOffset = committed.first { $0.partition == partition }?.offset ?? -1
            let offset = stored ?? (groupOffset >= 0 ? groupOffset : -2)  // -2: the beginning offset
            assignment.append(KafkaPartitionOffset(topic: topic, partition: partition, offset: offset))
        }
        try consumer.assign(assignment)
        self.partitions = partitions.sorted()
        logger.info(
            "train assigned", metadata: ["kafka.assignment": "\(assignment.map(\.description).joined(separator: ","))"])
    }

    /// Verifies one shard record (checksum; tokenizer, unless samples are re-tokenized) and packs its new samples, or
    /// dead-letters it.
    mutating func accept(_ record: KafkaMessage) throws {
        hasUncheckpointedInput = true
        defer { offsets[KafkaTopicPartition(topic: record.topic, partition: record.partition)] = record.offset + 1 }
        let source = "\(record.topic)[\(record.partition)]@\(record.offset)"
        let shard: (manifest: ShardManifest, samples: [ShardSample])
        do {
            shard = try ShardCodec.decode(record.value, source: source)
        } catch let error as ShardsError {
            return try deadLetter(record, reason: .corruptShard, code: error.code.rawValue, message: error.message)
        } catch {
            return try deadLetter(
                record, reason: .corruptShard, code: "malformed_shard", message: "\(source): \(error)")
        }
        var samples = shard.samples
        if configuration.retokenize {
            do {
                let retokenizer = SampleRetokenizer(tokenizer: tokenizer)
                samples = try samples.map(retokenizer.retokenize)
            } catch {
                let message = (error as? PipelineError)?.message ?? "\(error)"
                return try deadLetter(
                    record, reason: .corruptShard, code: "invalid_span", message: "\(source): \(message)")
            }
        } else if !tokenizer.names.contains(shard.manifest.tokenizer) {
            return try deadLetter(
                record, reason: .unknownTokenizer, code: "unknown_tokenizer",
                message:
                    "\(source): shard \(shard.manifest.shardID.prefix(12)) uses tokenizer '\(shard.manifest.tokenizer)'; "
                    + "the trainer's model uses \(tokenizer.names.map { "'\($0)'" }.joined(separator: " or ")); "
                    + "train from a model with that tokenizer, name it with --tokenizer, or pass --retokenize")
        }
        if configuration.documentOnly {
            do {
                samples = try samples.map { try $0.documentOnly() }
            } catch {
                let message = (error as? PipelineError)?.message ?? "\(error)"
                return try deadLetter(
                    record, reason: .corruptShard, code: "invalid_span", message: "\(source): \(message)")
            }
        }
        let vocab = model.config.vocab
        if let bad = samples.first(where: { sample in sample.tokenIDs.contains { $0 < 0 || $0 >= vocab } }) {
            let reason =
                configuration.retokenize
                ? "the trainer's tokenizer '\(tokenizer.names.first ?? "")' is larger than the model's vocabulary"
                : "tokenizer '\(shard.manifest.tokenizer)' does not match the model"
            return try deadLetter(
                record, reason: .unknownTokenizer, code: "unknown_tokenizer",
                message:
                    "\(source): sample \(bad.sampleID.prefix(12)) has token ids outside the model's vocabulary 0..<\(vocab); "
                    + reason)
        }
        for sample in samples {
            if seen.insert(configuration.documentOnly ? sample.documentID : sample.sampleID) {
                enqueue(sample)
            } else {
                progress.totals.duplicateSamples += 1
            }
        }
        progress.totals.shardsAccepted += 1
    }

    mutating func deadLetter(_ record: KafkaMessage, reason: DeadLetter.Reason, code: String, message: String) throws {
        let letter = DeadLetter(
            component: "train", reason: reason, message: "\(code): \(message)",
            sourceFile: "\(record.topic)[\(record.partition)]@\(record.offset)", sourceLine: nil, raw: record.value,
            rawLimitBytes: configuration.deadLetterRawLimitBytes)
        try producer.send(
            topic: configuration.topics.deadLetters, key: record.key, value: letter.encoded(),
            headers: [
                RecordSchema.deadLetter.header, KafkaHeader(name: "error.code", string: reason.rawValue),
                KafkaHeader(name: "error.message", string: message),
            ])
        try producer.flush(timeout: .seconds(10))
        progress.totals.deadLetters += 1
        progress.totals.deadLettersByReason[reason.rawValue, default: 0] += 1
        logger.warning(
            "train dead letter",
            metadata: [
                "kafka.topic": "\(record.topic)", "kafka.partition": "\(record.partition)",
                "kafka.offset": "\(record.offset)", "error.code": "\(reason)", "error.message": "\(message)",
            ])
    }

    /// Trains one packed step and updates ``progress``; appends the step's completed sample ids to the step log.
    mutating func train(_ packed: PackedStep) throws -> TrainProgress {
        let (B, K, T) = (configuration.microBatchSize, configuration.gradientAccumulation, configuration.contextTokens)
        let weightOf: [PackedTokenKind: Float] = [
            .document: configuration.documentLossWeight, .thinking: configuration.thinkingLossWeight, .other: 1,
            .padding: 0,
        ]
        let weights = packed.kinds.map { weightOf[$0]! }  // [K*B, T]
        let weighted = weights.contains { $0 != 1 }
        var batches: [TokenBatch] = []
        for k in 0..<K {
            let rows = Array(packed.rows[(k * B)..<((k + 1) * B)])
            let plain = TokenBatch(rows: rows)
            let starts =
                configuration.documentBoundaryMasking
                ? Self.segmentStarts(rows: rows, T: T, eos: tokenizer.eosTokenID) : nil
            batches.append(
                TokenBatch(
                    B: B, T: T, inputs: plain.inputs, targets: plain.targets,
                    targetWeights: weighted ? Array(weights[(k * B * T)..<((k + 1) * B * T)]) : nil,
                    segmentStarts: starts))
        }
        let learningRate = configuration.schedule.learningRate(atStep: step)
        let clock = ContinuousClock.now
        let result = model.trainStep(
            microBatches: batches, optimizer: optimizer, learningRate: learningRate,
            maxGradientNorm: configuration.maxGradientNorm)
        let elapsed = ContinuousClock.now - clock
        let seconds = elapsed / .seconds(1)
        step += 1

        var sums: [PackedTokenKind: (Double, Int)] = [:]
        var byLevel: [ReasoningLevel: (Double, Int)] = [:]
        var all = (0.0, 0)
        for (index, loss) in result.positionLosses.enumerated() where packed.kinds[index] != .padding {
            let kind = packed.kinds[index]
            sums[kind, default: (0, 0)].0 += Double(loss)
            sums[kind, default: (0, 0)].1 += 1
            if let level = packed.levels[index] {
                byLevel[level, default: (0, 0)].0 += Double(loss)
                byLevel[level, default: (0, 0)].1 += 1
            }
            all.0 += Double(loss)
            all.1 += 1
        }
        func mean(_ pair: (Double, Int)?) -> Float? { pair.flatMap { $0.1 > 0 ? Float($0.0 / Double($0.1)) : nil } }
        progress.step = step
        progress.loss = mean(all) ?? 0
        progress.documentLoss = mean(sums[.document])
        progress.thinkingLoss = mean(sums[.thinking])
        progress.lossByLevel = byLevel.compactMapValues { mean($0) }
        progress.learningRate = learningRate
        progress.gradientNorm = result.gradientNorm
        progress.stepSeconds = seconds
        progress.tokensPerSecond = seconds > 0 ? Double(all.1) / seconds : 0
        progress.completedSampleIDs = packed.completedSampleIDs
        progress.totals.tokensTrained += all.1
        progress.totals.samplesTrained += packed.completedSampleIDs.count
        for level in packed.completedLevels { progress.totals.samplesByLevel[level, default: 0] += 1 }
        if let path = configuration.stepLogPath {
            try Self.appendStepLog(
                path, line: "step \(step - 1) " + packed.completedSampleIDs.joined(separator: " ") + "\n")
        }
        return progress
    }

    /// Per position, the last position at or before it whose input is EOS (the start of its document). // [B, T]
    static func segmentStarts(rows: [[Int]], T: Int, eos: Int) -> [Int32] {
        var starts: [Int32] = []
        starts.reserveCapacity(rows.count * T)
        for row in rows {
            var start: Int32 = 0
            for t in 0..<T {
                if row[t] == eos { start = Int32(t) }
                starts.append(start)
            }
        }
        return starts
    }

    /// Writes a checkpoint atomically, then commits its offsets to the consumer group.
    mutating func checkpoint() throws {
        let state = TrainService.TrainerState(
            packer: packer.state, seenSampleIDs: nil, recentSampleKeys: seen.serialized, totals: progress.totals,
            startModelPath: startModelPath,
            tokenizerNames: tokenizer.names, eosTokenID: tokenizer.eosTokenID, epoch: epoch,
            documentOnly: configuration.documentOnly, shuffle: shuffle?.state)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let checkpoint = TrainingCheckpoint(
            model: model, optimizer: optimizer, step: step, random: random,
            consumedOffsets: Dictionary(uniqueKeysWithValues: offsets.map { ($0.key.checkpointKey, $0.value) }),
            trainerState: Array(try encoder.encode(state)))
        let path = try store.save(checkpoint)
        hasUncheckpointedInput = false
        progress.lastCheckpointStep = step
        let commits = offsets.sorted { ($0.key.topic, $0.key.partition) < ($1.key.topic, $1.key.partition) }.compactMap
        {
            consumer.safeCommitOffset(
                KafkaPartitionOffset(topic: $0.key.topic, partition: $0.key.partition, offset: $0.value))
        }
        do {
            try consumer.commit(commits)
        } catch {
            // The checkpoint, not the group, is the source of truth on resume; a failed commit only makes the lag
            // metric stale.
            logger.warning("train commit failed", metadata: ["error.message": "\(error)"])
        }
        logger.info("train checkpoint", metadata: ["train.step": "\(step)", "train.checkpoint": "\(path)"])
    }

    /// Whether this is the last pass over the topic.
    var isLastEpoch: Bool { epoch + 1 >= configuration.epochs }

    /// Notes that `partition` reached its end. When every partition has in this epoch and passes remain, starts the
    /// next epoch: a fresh consumer assigned at the beginning of every partition, an empty seen set, offset 0 for
    /// every partition (so a checkpoint taken before the first record of the epoch resumes at its start).
    ///
    /// - Returns: whether a new epoch started.
    /// - Throws: `KafkaError` when the new consumer cannot be created or assigned.
    mutating func partitionEnded(_ partition: Int32) throws -> Bool {
        endedPartitions.insert(partition)
        guard !partitions.isEmpty, endedPartitions.isSuperset(of: partitions), !isLastEpoch else {
            return false
        }
        let topic = configuration.topics.shards
        epoch += 1
        progress.epoch = epoch
        seen.removeAll()
        endedPartitions = []
        for partition in partitions { offsets[KafkaTopicPartition(topic: topic, partition: partition)] = 0 }
        hasUncheckpointedInput = true
        consumer.close()
        consumer = try Self.makeConsumer(client: consumerClient, configuration: configuration, logger: logger)
        try consumer.assign(partitions.map { KafkaPartitionOffset(topic: topic, partition: $0, offset: 0) })
        logger.info("train epoch", metadata: ["train.epoch": "\(epoch)", "train.step": "\(step)"])
        return true
    }

    func close() {
        consumer.close()
        producer.close(timeout: .seconds(5))
    }

    static func appendStepLog(_ path: String, line: String) throws {
        guard let handle = FileHandle(forWritingAtPath: path) else {
            guard FileManager.default.createFile(atPath: path, contents: Data(line.utf8)) else {
                throw PipelineError(.unreadableInput, "\(path): cannot create the step log; check the directory")
            }
            return
        }
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(line.utf8))
    }

    /// Drops the lines of steps at or after `step` (a restart redoes them), atomically.
    static func truncateStepLog(_ path: String?, before step: Int) throws {
        guard let path, let data = FileManager.default.contents(atPath: path) else { return }
        let kept = String(decoding: data, as: UTF8.self).split(separator: "\n").filter { line in
            let fields = line.split(separator: " ", maxSplits: 2)
            return fields.count >= 2 && fields[0] == "step" && (Int(fields[1]) ?? .max) < step
        }
        let text = kept.map { $0 + "\n" }.joined()
        try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
