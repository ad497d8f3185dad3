import Foundation
import Observability
import Testing

extension PipelineAcceptanceTests {
    static func lagName(_ component: String) -> String { "thinkstream_\(component)_consumer_lag_records" }

    /// Loads the page in headless chromium and expects the numbers the metrics topic holds: the feed's documents/s,
    /// the latest lag of every partition with the raw backlog and its ETA, the difficulty mix, the trainer's loss, and
    /// what `DashboardPageExpectations` checks (dead letters, level names, histogram and time axes, lineage, load).
    static func checkPage(port: Int, state: DashboardOverview, events: [MetricsEvent]) throws {
        let latest = { (component: String) in
            events.filter { $0.component == component }.max { $0.sequence < $1.sequence }
        }
        let feedFinal = try #require(latest("feed"))
        #expect(feedFinal.isFinal)
        let documentsPerSecond = try #require(feedFinal.gauge("thinkstream_feed_documents_per_second"))
        let augmentEvents = events.filter { $0.component == "augment" }
        let augmentLast = try #require(latest("augment"))
        let trainLast = try #require(latest("train"))
        #expect(augmentLast.isFinal && trainLast.isFinal)
        let loss = try #require(trainLast.gauge("thinkstream_train_loss_document_nats"))
        let peakLag = augmentEvents.flatMap { $0.gauges.filter { $0.name == lagName("augment") } }.map(\.value).max()
        #expect((peakLag ?? 0) > 0, "augment never reported a backlog: \(String(describing: peakLag))")

        let url = "http://127.0.0.1:\(port)/"
        let dom = try DashboardBrowserTests.runChromium(["--dump-dom", url])
        try dom.write(to: artifacts.appendingPathComponent("dashboard.html"), atomically: true, encoding: .utf8)
        let text = { (id: String) in DashboardBrowserTests.text(ofID: id, in: dom) }

        #expect(documentsPerSecond > 0)
        #expect(text("feed-docs-per-second") == String(format: "%.1f", documentsPerSecond))
        for event in [augmentLast, trainLast] { expectLagRows(of: event, in: dom) }
        let backlog = augmentLast.gauges.filter { $0.name == lagName("augment") }.reduce(0) {
            $0 + Int64($1.value.rounded())
        }
        #expect(text("raw-backlog") == "\(backlog)")
        #expect(state.rawBacklog == backlog)
        #expect(text("backlog-eta") == etaText(state.backlogEtaSeconds))

        let levels = augmentLast.counters.filter { $0.name == "thinkstream_augment_samples_out_total" }
        #expect(!levels.isEmpty, "augment produced no samples")
        for counter in levels {
            let row = DashboardBrowserTests.row(#"data-level="\#(counter.labels["level"] ?? "?")""#, in: dom)
            #expect(row?.contains(#"<td class="samples">\#(counter.value)</td>"#) == true, "\(String(describing: row))")
        }
        #expect(loss.isFinite && loss > 0)
        #expect(text("loss-document") == String(format: "%.4f", loss))
        #expect(text("trainer-step") == "\(trainLast.counter("thinkstream_train_steps_total"))")

        let deadLetters = DashboardPageExpectations.totals(
            "thinkstream_augment_dead_letters_total", by: "reason", of: "augment", in: events)
        #expect(deadLetters == ["malformed_record": 1], "augment's dead letters on the topic: \(deadLetters)")
        let trained = DashboardPageExpectations.totals(
            "thinkstream_train_samples_total", by: "level", of: "train", in: events)
        #expect(trained.values.reduce(0, +) > 0, "the trainer published no trained samples: \(trained)")
        #expect(state.lineage.trained == trained.values.reduce(0, +))
        #expect(augmentLast.gauge("thinkstream_augment_in_flight_documents") == 0, "augment exited with work in flight")
        #expect(augmentLast.gauge("thinkstream_augment_batch_occupancy_ratio") == 0)
        try DashboardPageExpectations.expectPageShows(events, in: dom)

        let screenshot = artifacts.appendingPathComponent("dashboard.png")
        _ = try DashboardBrowserTests.runChromium([
            "--hide-scrollbars", "--window-size=1400,1600", "--screenshot=\(screenshot.path)", url,
        ])
        let size = (try? FileManager.default.attributesOfItem(atPath: screenshot.path)[.size] as? Int) ?? 0
        #expect(size > 10_000, "screenshot at \(screenshot.path) has \(size) bytes")
    }

    /// Expects one lag row per partition `event` reported, showing its value.
    static func expectLagRows(of event: MetricsEvent, in dom: String) {
        let gauges = event.gauges.filter { $0.name == lagName(event.component) }
        #expect(!gauges.isEmpty, "\(event.component) published no consumer lag")
        for gauge in gauges {
            let marker = #"data-component="\#(event.component)" data-partition="\#(gauge.labels["partition"] ?? "?")""#
            let row = DashboardBrowserTests.row(marker, in: dom)
            #expect(
                row?.contains(#"<td class="lag">\#(Int64(gauge.value.rounded()))</td>"#) == true,
                "\(event.component) \(gauge.labels): \(String(describing: row))")
        }
    }

    /// The page's `duration()`: `--` without an ETA, else `mm:ss` or `h:mm:ss`.
    static func etaText(_ seconds: Double?) -> String {
        guard let seconds, seconds.isFinite else { return "--" }
        let total = Int(seconds.rounded())
        let (hours, minutes, rest) = (total / 3600, total / 60 % 60, total % 60)
        let two = { (value: Int) in value < 10 ? "0\(value)" : "\(value)" }
        return hours > 0 ? "\(hours):\(two(minutes)):\(two(rest))" : "\(two(minutes)):\(two(rest))"
    }
}
