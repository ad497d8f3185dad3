import Foundation
import Observability
import Testing

/// What chromium's DOM of the dashboard page must show for the events a metrics topic holds: dead letters by
/// component and reason, the level mix under level names, the thinking-length histograms with axes and bin labels,
/// time axes on the time series, lineage sample counts and the augment workers' load. Both browser tests use it.
enum DashboardPageExpectations {
    /// The dashboard keeps this many points per chart (`DashboardState.historyLimit`).
    static let historyLimit = 240

    /// Runs every check below on `dom` against `events` (all metrics events of the topic).
    static func expectPageShows(_ events: [MetricsEvent], in dom: String) throws {
        expectDeadLetters(events, in: dom)
        expectLevelMix(events, in: dom)
        expectThinkingHistograms(events, in: dom)
        try expectTimeAxes(events, in: dom)
        expectLineage(events, in: dom)
        expectAugmentLoad(events, in: dom)
    }

    /// The latest event (highest sequence) of every instance of `component`.
    static func latest(_ component: String, in events: [MetricsEvent]) -> [MetricsEvent] {
        Dictionary(grouping: events.filter { $0.component == component }, by: \.instanceID).values.compactMap {
            $0.max { $0.sequence < $1.sequence }
        }
    }

    /// Counter `name` summed over the latest events of `component`, by the value of label `key`.
    static func totals(
        _ name: String, by key: String, of component: String, in events: [MetricsEvent]
    ) -> [String: Int64] {
        var totals: [String: Int64] = [:]
        for event in latest(component, in: events) {
            for counter in event.counters where counter.name == name {
                totals[counter.labels[key] ?? "?", default: 0] += counter.value
            }
        }
        return totals
    }

    /// One row per component and reason with the summed count.
    static func expectDeadLetters(_ events: [MetricsEvent], in dom: String) {
        for component in Set(events.map(\.component)) {
            let name = "thinkstream_\(component)_dead_letters_total"
            for (reason, count) in totals(name, by: "reason", of: component, in: events) {
                let marker = #"data-component="\#(component)" data-reason="\#(reason)""#
                let row = DashboardBrowserTests.row(marker, in: dom)
                #expect(
                    row?.contains(#"<td class="count">\#(count)</td>"#) == true,
                    "\(component)/\(reason): \(String(describing: row))")
            }
        }
    }

    /// Level labels are reasoning-level names, and each row shows its name and sample count.
    static func expectLevelMix(_ events: [MetricsEvent], in dom: String) {
        let levels = totals("thinkstream_augment_samples_out_total", by: "level", of: "augment", in: events)
        #expect(!levels.isEmpty, "augment published no samples")
        for (level, samples) in levels {
            #expect(AugmentMetrics.levelNames.contains(level), "level label '\(level)' is not a reasoning-level name")
            let row = DashboardBrowserTests.row(#"data-level="\#(level)""#, in: dom)
            #expect(row?.contains(#"<td class="level">\#(level)</td>"#) == true, "\(String(describing: row))")
            #expect(row?.contains(#"<td class="samples">\#(samples)</td>"#) == true, "\(String(describing: row))")
        }
        #expect(!dom.contains(">level "), "a level is shown by its rank")
    }

    /// Per level: bars with the topic's bucket counts, one label per bin, both axes and their titles.
    static func expectThinkingHistograms(_ events: [MetricsEvent], in dom: String) {
        var merged: [String: (bounds: [Double], counts: [Int64])] = [:]
        for event in latest("augment", in: events) {
            for histogram in event.histograms where histogram.name == "thinkstream_augment_thinking_length_tokens" {
                let level = histogram.labels["level"] ?? "?"
                var entry = merged[level] ?? (histogram.bounds, Array(repeating: 0, count: histogram.counts.count))
                for index in histogram.counts.indices { entry.counts[index] += histogram.counts[index] }
                merged[level] = entry
            }
        }
        #expect(!merged.isEmpty, "augment published no thinking-length histogram")
        for (level, histogram) in merged {
            guard let chart = element("div", #"data-level="\#(level)""#, in: dom) else {
                Issue.record("no thinking-length chart for level \(level)")
                continue
            }
            #expect(chart.contains(#"class="axis x-axis""#) && chart.contains(#"class="axis y-axis""#), "\(chart)")
            #expect(texts(ofClass: "bin-label", in: chart) == binLabels(histogram.bounds), "\(chart)")
            #expect(
                values(of: "data-count", ofClass: "bin", in: chart) == histogram.counts.map(String.init), "\(chart)")
            #expect(texts(ofClass: "axis-title", in: chart).contains { $0.hasPrefix("thinking tokens") }, "\(chart)")
            #expect(
                texts(ofClass: "y-label", in: chart) == ["\(max(1, histogram.counts.max() ?? 0))", "0"], "\(chart)")
        }
    }

    /// The rate and token charts span the metrics events' time range, the loss chart the trainer's step events:
    /// first, middle and last time in UTC under a drawn x axis.
    static func expectTimeAxes(_ events: [MetricsEvent], in dom: String) throws {
        try #require(events.count <= historyLimit, "\(events.count) events: the charts keep the last \(historyLimit)")
        let all = events.map(\.timestampMilliseconds)
        let steps = events.filter { event in
            event.component == "train" && event.counters.contains { $0.name == "thinkstream_train_steps_total" }
        }.map(\.timestampMilliseconds)
        for (id, times) in [("chart-rates", all), ("chart-tokens", all), ("chart-loss", steps)] {
            guard let chart = element("svg", #"id="\#(id)""#, in: dom) else {
                Issue.record("no \(id) in the page")
                continue
            }
            #expect(chart.contains(#"class="axis x-axis""#), "\(id): \(chart)")
            #expect(texts(ofClass: "time-label", in: chart) == timeLabels(times), "\(id): \(chart)")
            #expect(texts(ofClass: "axis-title", in: chart) == ["time (UTC)"], "\(id): \(chart)")
        }
    }

    /// Samples sharded (augment's samples out) and trained (the trainer's samples), summed over instances.
    static func expectLineage(_ events: [MetricsEvent], in dom: String) {
        let sharded = totals("thinkstream_augment_samples_out_total", by: "level", of: "augment", in: events)
        let trained = totals("thinkstream_train_samples_total", by: "level", of: "train", in: events)
        #expect(DashboardBrowserTests.text(ofID: "lineage-sharded", in: dom) == "\(sharded.values.reduce(0, +))")
        #expect(DashboardBrowserTests.text(ofID: "lineage-trained", in: dom) == "\(trained.values.reduce(0, +))")
    }

    /// Documents in flight summed and batch occupancy averaged over the augment workers' latest events.
    static func expectAugmentLoad(_ events: [MetricsEvent], in dom: String) {
        let workers = latest("augment", in: events)
        let inFlight = workers.compactMap { $0.gauge("thinkstream_augment_in_flight_documents") }
        let occupancy = workers.compactMap { $0.gauge("thinkstream_augment_batch_occupancy_ratio") }
        #expect(!inFlight.isEmpty && !occupancy.isEmpty, "augment published no in-flight or batch-occupancy gauge")
        guard !inFlight.isEmpty, !occupancy.isEmpty else { return }
        let inFlightText = "\(inFlight.reduce(0) { $0 + Int64($1.rounded()) })"
        let occupancyText = String(format: "%.1f%%", occupancy.reduce(0, +) / Double(occupancy.count) * 100)
        #expect(DashboardBrowserTests.text(ofID: "augment-in-flight", in: dom) == inFlightText)
        #expect(DashboardBrowserTests.text(ofID: "augment-batch-occupancy", in: dom) == occupancyText)
    }

    /// The page's bin labels: `≤bound` per bucket, then `>last` for the open one.
    static func binLabels(_ bounds: [Double]) -> [String] {
        let number = { (bound: Double) in bound == bound.rounded() ? "\(Int(bound))" : "\(bound)" }
        return bounds.map { "≤" + number($0) } + [">" + number(bounds.last ?? 0)]
    }

    /// The page's time labels: first, middle and last of `times` as UTC `HH:MM:SS` (one label when all are equal).
    static func timeLabels(_ times: [Int64]) -> [String] {
        guard let first = times.min(), let last = times.max() else { return [] }
        let clock = { (milliseconds: Int64) -> String in
            let seconds = milliseconds / 1000
            return String(format: "%02d:%02d:%02d", seconds / 3600 % 24, seconds / 60 % 60, seconds % 60)
        }
        return first == last ? [clock(first)] : [clock(first), clock((first + last) / 2), clock(last)]
    }

    /// The first `<tag` element whose attributes start with `marker`, up to its first closing tag.
    static func element(_ tag: String, _ marker: String, in dom: String) -> String? {
        guard let start = dom.range(of: "<\(tag) \(marker)") else { return nil }
        guard let end = dom[start.upperBound...].range(of: "</\(tag)>") else { return nil }
        return String(dom[start.lowerBound..<end.upperBound])
    }

    /// Text of every element whose class attribute (set first) is `className`, entities decoded.
    static func texts(ofClass className: String, in fragment: String) -> [String] {
        matches(#"class="\#(className)"[^>]*>([^<]*)<"#, in: fragment).map {
            $0.replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&lt;", with: "<")
                .replacingOccurrences(of: "&amp;", with: "&")
        }
    }

    /// Values of `attribute` on every element whose class is `className` (when `attribute` follows the class).
    static func values(of attribute: String, ofClass className: String, in fragment: String) -> [String] {
        matches(#"class="\#(className)" \#(attribute)="([^"]*)""#, in: fragment)
    }

    private static func matches(_ pattern: String, in text: String) -> [String] {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return [] }
        let range = NSRange(text.startIndex..., in: text)
        return regex.matches(in: text, range: range).compactMap { match in
            Range(match.range(at: 1), in: text).map { String(text[$0]) }
        }
    }
}
