import BrokerLauncher
import Foundation
import Kafka
import Observability
import Testing
import ThinkStreamTesting

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

@Suite(.serialized, .tags(.integration))
struct MetricsEndpointTests {
    static func registries() -> [MetricsRegistry] {
        let feed = MetricsRegistry(identity: MetricsIdentity(component: "feed", instanceID: "f", host: "h"))
        FeedMetrics(registry: feed).update(
            read: 12, produced: 10, duplicates: 1, deadLettersByReason: ["malformed_json": 1], bytesRead: 3000,
            documentsPerSecond: 120.5)
        let augment = MetricsEventTests.augmentRegistry()
        let train = MetricsRegistry(identity: MetricsIdentity(component: "train", instanceID: "t", host: "h"))
        let trainMetrics = TrainMetrics(registry: train)
        trainMetrics.stepDone(documentLoss: 2.5, thinkingLoss: 1.25, tokens: 4096)
        trainMetrics.setLag(partition: 0, records: 3)
        return [feed, augment, train]
    }

    @Test(arguments: 0..<3)
    func metricsEndpointScrapesCleanlyWithTheComponentsNames(index: Int) async throws {
        let registry = Self.registries()[index]
        ProcessMetrics.register(on: registry)
        let component = registry.identity.component
        let text = try await scrape(registry)
        let (samples, problems) = PrometheusTextChecker.parse(text)
        #expect(problems.isEmpty, "\(problems)")
        #expect(!samples.isEmpty)
        for sample in samples {
            #expect(sample.name.hasPrefix("thinkstream_\(component)_"), "\(sample.name)")
        }
        let event = registry.event(sequence: 0, isFinal: false, interval: .seconds(5))
        for counter in event.counters {
            let scraped = samples.first { $0.name == counter.name && $0.labels == counter.labels }
            #expect(scraped?.value == Double(counter.value), "\(counter.name) \(counter.labels)")
            #expect(counter.name.hasSuffix("_total"))
        }
        for gauge in event.gauges where gauge.name != "thinkstream_\(component)_memory_resident_bytes" {
            #expect(
                samples.first { $0.name == gauge.name && $0.labels == gauge.labels }?.value == gauge.value,
                "\(gauge.name)")
        }
        for histogram in event.histograms {
            let count = samples.first { $0.name == histogram.name + "_count" && $0.labels == histogram.labels }
            #expect(count?.value == Double(histogram.count), "\(histogram.name)")
        }
    }

    private func scrape(_ registry: MetricsRegistry) async throws -> String {
        let port = EmbeddedBroker.freePort()
        let endpoint = MetricsEndpoint(registry: registry, port: port, logger: TestLogging.logger)
        let server = Task { try await endpoint.run() }
        defer { server.cancel() }
        let url = URL(string: "http://127.0.0.1:\(port)/metrics")!
        let deadline = ContinuousClock.now + .seconds(20)
        while true {
            do {
                let (data, response) = try await URLSession.shared.data(from: url)
                #expect((response as? HTTPURLResponse)?.statusCode == 200)
                #expect(
                    (response as? HTTPURLResponse)?.value(forHTTPHeaderField: "Content-Type")?.hasPrefix("text/plain")
                        == true)
                return String(decoding: data, as: UTF8.self)
            } catch  where ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }
}
