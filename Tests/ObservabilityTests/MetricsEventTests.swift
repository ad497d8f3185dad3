import Foundation
import JSON
import Observability
import Pipeline
import Testing
import ThinkStreamTesting

@Suite struct MetricsEventTests {
    static func augmentRegistry() -> MetricsRegistry {
        let registry = MetricsRegistry(
            identity: MetricsIdentity(component: "augment", instanceID: "augment-a", host: "h1"))
        let metrics = AugmentMetrics(registry: registry)
        metrics.sampleProduced(level: "basic", thinkingTokens: 100)
        metrics.sampleProduced(level: "basic", thinkingTokens: 300)
        metrics.sampleProduced(level: "advanced", thinkingTokens: 5000)
        metrics.documentDone(latency: .milliseconds(1500))
        metrics.setLag(partition: 0, records: 17)
        metrics.setLag(partition: 2, records: 4)
        metrics.deadLetter(reason: "engine_failed")
        return registry
    }

    @Test func eventCarriesCountersGaugesAndFixedBucketHistograms() {
        let event = Self.augmentRegistry().event(sequence: 3, isFinal: false, interval: .seconds(5))
        #expect(event.component == "augment")
        #expect(event.instanceID == "augment-a")
        #expect(event.sequence == 3)
        #expect(event.counter("thinkstream_augment_samples_out_total", labels: ["level": "basic"]) == 2)
        #expect(event.counter("thinkstream_augment_tokens_generated_total") == 5400)
        #expect(event.gauge("thinkstream_augment_consumer_lag_records", labels: ["partition": "0"]) == 17)
        let level1 = event.histograms.first {
            $0.name == "thinkstream_augment_thinking_length_tokens" && $0.labels == ["level": "basic"]
        }
        #expect(level1?.bounds == [64, 128, 256, 512, 1024, 2048, 4096])
        #expect(level1?.counts == [0, 1, 0, 1, 0, 0, 0, 0])
        #expect(level1?.count == 2)
        #expect(level1?.sum == 400)
        let level3 = event.histograms.first {
            $0.name == "thinkstream_augment_thinking_length_tokens" && $0.labels == ["level": "advanced"]
        }
        #expect(level3?.counts.last == 1)
    }

    @Test func encodedEventValidatesAgainstItsSchemaAndDecodesBack() throws {
        let event = Self.augmentRegistry().event(sequence: 0, isFinal: true, interval: .seconds(5))
        let validator = try JSONSchemaValidator(schemaFile: "metrics-event.v1.json")
        let problems = validator.validate(try JSONParser.parse(event.encoded()))
        #expect(problems.isEmpty, "\(problems)")
        #expect(try MetricsEvent.decode(event.encoded()) == event)
    }

    @Test func schemaRefusesAnEventWithoutItsInstance() throws {
        let validator = try JSONSchemaValidator(schemaFile: "metrics-event.v1.json")
        let value = try JSONParser.parse(
            Array(
                #"{"component":"feed","host":"h","timestamp_ms":1,"sequence":0,"final":false,"interval_seconds":5,"counters":[],"gauges":[],"histograms":[]}"#
                    .utf8))
        #expect(validator.validate(value).contains { $0.contains("instance_id") })
    }

    @Test func lineageEventValidatesAndDecodesBack() throws {
        let event = LineageEvent(
            stage: .trained, shardID: "shard-0001", component: "train", instanceID: "train-1",
            timestampMilliseconds: 1_700_000_000_000,
            inputs: [.init(topic: "thinkstream.raw", partition: 1, firstOffset: 10, lastOffset: 42)],
            oldestInputTimestampMilliseconds: 1_699_999_990_000, trainerStep: 12)
        let validator = try JSONSchemaValidator(schemaFile: "lineage-event.v1.json")
        #expect(validator.validate(try JSONParser.parse(event.encoded())).isEmpty)
        #expect(try LineageEvent.decode(event.encoded()) == event)
    }

    @Test func advanceRaisesCountersToARunningTotalAndNeverLowersThem() {
        let registry = MetricsRegistry(identity: MetricsIdentity(component: "feed", instanceID: "f", host: "h"))
        let metrics = FeedMetrics(registry: registry)
        metrics.update(
            read: 10, produced: 8, duplicates: 1, deadLettersByReason: ["malformed_json": 1], bytesRead: 900,
            documentsPerSecond: 50)
        metrics.update(
            read: 7, produced: 8, duplicates: 1, deadLettersByReason: ["malformed_json": 1], bytesRead: 900,
            documentsPerSecond: 50)
        #expect(registry.counterValue(FeedMetrics.documentsIn) == 10)
        #expect(registry.counterValue(FeedMetrics.deadLetters, labels: ["reason": "malformed_json"]) == 1)
        #expect(registry.gaugeValue(FeedMetrics.documentsPerSecond) == 50)
    }

    @Test func collectorsRunBeforeEachSnapshot() {
        let registry = MetricsRegistry(identity: MetricsIdentity(component: "train", instanceID: "t", host: "h"))
        let metrics = TrainMetrics(registry: registry)
        registry.onCollect { _ in metrics.setLag(partition: 1, records: 99) }
        let event = registry.event(sequence: 0, isFinal: false, interval: .seconds(1))
        #expect(event.gauge("thinkstream_train_consumer_lag_records", labels: ["partition": "1"]) == 99)
    }
}
