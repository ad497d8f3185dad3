import Augmentation
import Observability
import Shards
import Testing

@Suite struct DashboardStateTests {
    static func event(
        _ component: String, _ instance: String, at milliseconds: Int64, sequence: Int64, final: Bool = false,
        counters: [MetricsEvent.Counter] = [], gauges: [MetricsEvent.Gauge] = [],
        histograms: [MetricsEvent.Histogram] = []
    ) -> MetricsEvent {
        MetricsEvent(
            component: component, instanceID: instance, host: "h", timestampMilliseconds: milliseconds,
            sequence: sequence,
            isFinal: final, intervalSeconds: 5, counters: counters, gauges: gauges, histograms: histograms)
    }

    static func counter(_ name: String, _ value: Int64, _ labels: [String: String] = [:]) -> MetricsEvent.Counter {
        .init(name: name, labels: labels, value: value)
    }

    static func gauge(_ name: String, _ value: Double, _ labels: [String: String] = [:]) -> MetricsEvent.Gauge {
        .init(name: name, labels: labels, value: value)
    }

    static func augment(
        _ instance: String, at t: Int64, sequence: Int64, documents: Int64, level1: Int64, level2: Int64, lag: Double
    )
        -> MetricsEvent
    {
        event(
            "augment", instance, at: t, sequence: sequence,
            counters: [
                counter("thinkstream_augment_documents_in_total", documents),
                counter("thinkstream_augment_samples_out_total", level1, ["level": "1"]),
                counter("thinkstream_augment_samples_out_total", level2, ["level": "2"]),
                counter("thinkstream_augment_tokens_generated_total", (level1 + level2) * 100),
            ],
            gauges: [gauge("thinkstream_augment_consumer_lag_records", lag, ["partition": "0"])])
    }

    @Test func ratesComeFromConsecutiveEventsAndSumAcrossInstances() {
        var state = DashboardState()
        state.ingest(Self.augment("a", at: 10_000, sequence: 0, documents: 0, level1: 0, level2: 0, lag: 100))
        state.ingest(Self.augment("a", at: 12_000, sequence: 1, documents: 20, level1: 10, level2: 30, lag: 80))
        state.ingest(Self.augment("b", at: 10_000, sequence: 0, documents: 0, level1: 0, level2: 0, lag: 50))
        state.ingest(Self.augment("b", at: 14_000, sequence: 1, documents: 40, level1: 0, level2: 0, lag: 60))
        let overview = state.overview(now: 14_000)
        #expect(overview.augmentDocumentsPerSecond == 20)  // 10/s + 10/s
        #expect(overview.samplesPerSecond == 20)  // 40 samples over 2 s
        #expect(overview.generatedTokensPerSecond == 2000)
        // The newest report of a partition wins.
        #expect(overview.lag.map { "\($0.component)/\($0.partition)=\($0.records)" } == ["augment/0=60"])
        #expect(overview.rawBacklog == 60)
        #expect(overview.backlogEtaSeconds == 3)
        #expect(overview.difficultyMix.map(\.samples) == [10, 30])
        #expect(overview.difficultyMix.map(\.fraction) == [0.25, 0.75])
    }

    @Test func repeatedOrOlderEventsAreIgnored() {
        var state = DashboardState()
        state.ingest(Self.augment("a", at: 12_000, sequence: 5, documents: 20, level1: 10, level2: 30, lag: 80))
        state.ingest(Self.augment("a", at: 11_000, sequence: 4, documents: 10, level1: 1, level2: 1, lag: 90))
        #expect(state.overview(now: 12_000).difficultyMix.map(\.samples) == [10, 30])
    }

    @Test func feedTotalsDeadLettersTrainerAndWorkers() throws {
        var state = DashboardState()
        state.ingest(
            Self.event(
                "feed", "f", at: 1_000, sequence: 0, final: true,
                counters: [
                    Self.counter("thinkstream_feed_documents_in_total", 12),
                    Self.counter("thinkstream_feed_documents_produced_total", 10),
                    Self.counter("thinkstream_feed_dead_letters_total", 2, ["reason": "malformed_json"]),
                ],
                gauges: [Self.gauge("thinkstream_feed_documents_per_second", 300)]))
        state.ingest(
            Self.event(
                "train", "t", at: 2_000, sequence: 0,
                counters: [
                    Self.counter("thinkstream_train_steps_total", 7),
                    Self.counter("thinkstream_train_tokens_trained_total", 7000),
                ],
                gauges: [
                    Self.gauge("thinkstream_train_loss_document_nats", 2.25),
                    Self.gauge("thinkstream_train_loss_thinking_nats", 1.5),
                ]))
        let overview = state.overview(now: 3_000)
        #expect(overview.feed.documentsIn == 12)
        #expect(overview.feed.deadLettered == 2)
        #expect(overview.documentsPerSecond == 300)
        #expect(overview.deadLetters.map { "\($0.component)/\($0.reason)=\($0.count)" } == ["feed/malformed_json=2"])
        let trainer = try #require(overview.trainer)
        #expect(trainer.step == 7)
        #expect(trainer.documentLoss == 2.25)
        #expect(trainer.thinkingLoss == 1.5)
        #expect(trainer.tokensTrained == 7000)
        #expect(overview.lossHistory.map(\.document) == [2.25])
        #expect(overview.workers.map(\.status) == ["exited", "alive"])
        #expect(state.overview(now: 60_000).workers.map(\.status) == ["exited", "stale"])

        let text = OverviewText.render(overview)
        #expect(text.contains("read 12  produced 10"))
        #expect(text.contains("feed/malformed_json 2"))
        #expect(text.contains("step 7  loss document 2.2500  thinking 1.5000"))
    }

    @Test func runningFeedShowsItsRecentRateAndFinishedFeedItsAverage() {
        func feed(at t: Int64, sequence: Int64, read: Int64, average: Double, final: Bool) -> MetricsEvent {
            Self.event(
                "feed", "f", at: t, sequence: sequence, final: final,
                counters: [Self.counter("thinkstream_feed_documents_in_total", read)],
                gauges: [Self.gauge("thinkstream_feed_documents_per_second", average)])
        }
        var state = DashboardState()
        state.ingest(feed(at: 1_000, sequence: 0, read: 100, average: 100, final: false))
        state.ingest(feed(at: 3_000, sequence: 1, read: 500, average: 166, final: false))
        #expect(state.overview(now: 3_000).documentsPerSecond == 200)
        state.ingest(feed(at: 4_000, sequence: 2, read: 500, average: 125, final: true))
        #expect(state.overview(now: 4_000).documentsPerSecond == 125)
    }

    @Test func burstyCountersGiveASteadyRateOverTheRateSpan() {
        var state = DashboardState()
        state.rateSpanMilliseconds = 10_000
        // One event a second; documents are counted in bursts of 4 when a shard commits (t = 3 s and 7 s).
        let documents: [Int64] = [0, 0, 0, 4, 4, 4, 4, 8, 8, 8, 8]
        for (second, count) in documents.enumerated() {
            state.ingest(
                Self.augment(
                    "a", at: Int64(second) * 1000, sequence: Int64(second), documents: count, level1: count,
                    level2: 0, lag: Double(12 - count)))
        }
        let overview = state.overview(now: 10_000)
        #expect(overview.augmentDocumentsPerSecond == 0.8)  // 8 documents over 10 s, not 0 between bursts
        #expect(overview.rawBacklog == 4)
        #expect(overview.backlogEtaSeconds == 5)
        state.ingest(Self.augment("a", at: 16_000, sequence: 11, documents: 8, level1: 8, level2: 0, lag: 4))
        // The baseline is now the oldest event within 10 s of t = 16 s: t = 6 s, 4 documents.
        #expect(state.overview(now: 16_000).augmentDocumentsPerSecond == 0.4)
    }

    @Test func lineageCountsSamplesFromCountersAndJoinsLineageEventsIntoLatency() {
        var state = DashboardState()
        state.ingest(
            LineageEvent(
                stage: .sharded, shardID: "s1", component: "augment", instanceID: "a", timestampMilliseconds: 5_000,
                inputs: [],
                oldestInputTimestampMilliseconds: 1_000))
        state.ingest(
            LineageEvent(
                stage: .trained, shardID: "s1", component: "train", instanceID: "t", timestampMilliseconds: 9_000,
                inputs: [],
                trainerStep: 3))
        state.ingest(Self.augment("a", at: 9_000, sequence: 0, documents: 4, level1: 3, level2: 4, lag: 0))
        for (instance, basic) in [("t1", Int64(2)), ("t2", Int64(5))] {
            state.ingest(
                Self.event(
                    "train", instance, at: 9_000, sequence: 0,
                    counters: [
                        Self.counter("thinkstream_train_samples_total", basic, ["level": "basic"]),
                        Self.counter("thinkstream_train_samples_total", 1, ["level": "advanced"]),
                    ]))
        }
        let lineage = state.overview(now: 9_000).lineage
        #expect(lineage.sharded == 7)
        #expect(lineage.trained == 9)
        #expect(lineage.lastLatencySeconds == 8)
    }

    @Test func augmentDeadLettersLoadAndLevelNamesReachTheOverview() {
        let registry = MetricsRegistry(identity: MetricsIdentity(component: "augment", instanceID: "a", host: "h"))
        let metrics = AugmentMetrics(registry: registry)
        for level in ["advanced", "none", "basic", "intermediate", "basic"] {
            metrics.sampleProduced(level: level, thinkingTokens: 100)
        }
        metrics.deadLettersCommitted(["trajectory_rejected": 1])
        metrics.deadLettersCommitted(["trajectory_rejected": 2, "malformed_record": 1])
        metrics.deadLettersCommitted(["trajectory_rejected": 1])  // a smaller running total never lowers a counter
        metrics.setLoad(inFlightDocuments: 5, batchOccupancy: 0.5)
        var state = DashboardState()
        state.ingest(registry.event(sequence: 0, isFinal: false, interval: .seconds(1)))
        state.ingest(
            Self.event(
                "augment", "b", at: 0, sequence: 0,
                gauges: [
                    Self.gauge("thinkstream_augment_in_flight_documents", 2),
                    Self.gauge("thinkstream_augment_batch_occupancy_ratio", 1),
                ]))
        let overview = state.overview(now: 0)
        #expect(
            overview.deadLetters.map { "\($0.component)/\($0.reason)=\($0.count)" } == [
                "augment/malformed_record=1", "augment/trajectory_rejected=2",
            ])
        #expect(overview.difficultyMix.map(\.level) == ["none", "basic", "intermediate", "advanced"])
        #expect(overview.difficultyMix.map(\.samples) == [1, 2, 1, 1])
        #expect(overview.thinkingLength.map(\.level) == ["none", "basic", "intermediate", "advanced"])
        #expect(overview.augment.inFlightDocuments == 7)
        #expect(overview.augment.batchOccupancy == 0.75)
    }

    @Test func levelNamesAreTheReasoningLevels() {
        #expect(AugmentMetrics.levelNames == ReasoningLevel.allCases.map(\.rawValue))
    }

    @Test func aSampleIsCountedUnderItsLevelName() {
        let metrics = AugmentMetrics(
            registry: MetricsRegistry(identity: MetricsIdentity(component: "augment", instanceID: "a", host: "h")))
        metrics.sampleProduced(level: "advanced", thinkingTokens: 10)
        #expect(metrics.registry.counterValue(AugmentMetrics.samplesOut, labels: ["level": "advanced"]) == 1)
        #expect(metrics.registry.counterValue(AugmentMetrics.samplesOut, labels: ["level": "3"]) == 0)
    }
}
