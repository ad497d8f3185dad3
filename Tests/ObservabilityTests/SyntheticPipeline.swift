import Foundation
import Kafka
import Observability
import Pipeline
import ThinkStreamTesting

/// Stand-ins for augment workers and the trainer until those components exist: they publish metrics and lineage
/// events through the same `MetricsPublisher` API the real components will use.
enum SyntheticPipeline {
    /// The values the synthetic events carry, for assertions.
    struct Expected {
        var lagByPartition: [Int32: Int64] = [0: 17, 1: 5, 2: 0]
        var samplesByLevel: [String: Int64] = [:]
        var augmentDeadLetters: [String: Int64] = ["trajectory_rejected": 2, "malformed_record": 1]
        var inFlightDocuments: Int64 = 3
        var batchOccupancy = 0.75
        var trainedSamplesByLevel: [String: Int64] = ["basic": 4, "advanced": 2]
        var documentLoss = 2.3456
        var thinkingLoss = 1.2345
        var steps: Int64 = 3
        var augmentInstance = "augment-synthetic-1"
        var trainInstance = "train-synthetic-1"
    }

    /// Publishes two snapshots of one augment worker and one trainer, with work in between, plus a lineage pair.
    static func publish(servers: String, topics: TopicNames) async throws -> Expected {
        var expected = Expected()
        let producer = try KafkaProducer(
            configuration: .init(client: .init(bootstrapServers: servers, profile: .embedded)),
            logger: TestLogging.logger)
        defer { producer.close() }
        let augmentRegistry = MetricsRegistry(
            identity: MetricsIdentity(component: "augment", instanceID: expected.augmentInstance, host: "synthetic"))
        let trainRegistry = MetricsRegistry(
            identity: MetricsIdentity(component: "train", instanceID: expected.trainInstance, host: "synthetic"))
        let augment = AugmentMetrics(registry: augmentRegistry)
        let train = TrainMetrics(registry: trainRegistry)
        let augmentPublisher = MetricsPublisher(
            registry: augmentRegistry, producer: producer, topic: topics.metrics, interval: .seconds(1),
            logger: TestLogging.logger)
        let trainPublisher = MetricsPublisher(
            registry: trainRegistry, producer: producer, topic: topics.metrics, interval: .seconds(1),
            logger: TestLogging.logger)
        for (partition, lag) in expected.lagByPartition { augment.setLag(partition: partition, records: lag + 40) }
        try augmentPublisher.publish()
        try trainPublisher.publish()
        try await Task.sleep(for: .milliseconds(300))
        for index in 0..<12 {
            let level = AugmentMetrics.levelNames[index % 3 + 1]
            augment.documentDone(latency: .milliseconds(200 * (index + 1)))
            augment.sampleProduced(level: level, thinkingTokens: 100 * (index + 1))
            expected.samplesByLevel[level, default: 0] += 1
        }
        augment.deadLettersCommitted(["trajectory_rejected": 1])
        augment.deadLettersCommitted(expected.augmentDeadLetters.mapValues { Int($0) })
        augment.setLoad(inFlightDocuments: Int(expected.inFlightDocuments), batchOccupancy: expected.batchOccupancy)
        for (partition, lag) in expected.lagByPartition { augment.setLag(partition: partition, records: lag) }
        for _ in 0..<expected.steps {
            train.stepDone(documentLoss: expected.documentLoss, thinkingLoss: expected.thinkingLoss, tokens: 4096)
        }
        for (level, count) in expected.trainedSamplesByLevel { train.samplesSeen(level: level, count: Int(count)) }
        train.shardConsumed()
        try augmentPublisher.publish()
        try trainPublisher.publish(isFinal: false)
        let input = LineageEvent.OffsetRange(topic: topics.raw, partition: 0, firstOffset: 0, lastOffset: 11)
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        try augmentPublisher.publish(
            LineageEvent(
                stage: .sharded, shardID: "shard-synthetic-1", component: "augment",
                instanceID: expected.augmentInstance,
                timestampMilliseconds: now, inputs: [input], oldestInputTimestampMilliseconds: now - 2000))
        try trainPublisher.publish(
            LineageEvent(
                stage: .trained, shardID: "shard-synthetic-1", component: "train", instanceID: expected.trainInstance,
                timestampMilliseconds: now + 500, inputs: [input], trainerStep: expected.steps))
        try producer.flush(timeout: .seconds(20))
        return expected
    }
}
