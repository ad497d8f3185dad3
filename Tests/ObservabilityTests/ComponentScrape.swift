import Foundation
import Testing
import ThinkStreamTesting

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Scrapes a running component's `/metrics` and checks it: Prometheus text format, and every family named
/// `thinkstream_<component>_<quantity>_<unit>` with counters ending in `_total`.
struct ComponentScrape {
    static let units = [
        "_total", "_records", "_ratio", "_seconds", "_tokens", "_bytes", "_nats", "_documents", "_per_second",
    ]

    var text: String
    var samples: [PrometheusTextChecker.Sample]
    var problems: [String]

    /// The value of `name` summed over its label sets (0 when absent).
    func total(_ name: String) -> Double {
        samples.filter { $0.name == name }.reduce(0) { $0 + $1.value }
    }

    /// Scrapes `port` every 200 ms while `isRunning`, until `ready` accepts a scrape or `timeout` passes.
    /// - Returns: the last scrape, or nil if none answered.
    static func poll(
        port: Int, timeout: Duration, isRunning: () -> Bool, until ready: (ComponentScrape) -> Bool
    ) async -> ComponentScrape? {
        let url = URL(string: "http://127.0.0.1:\(port)/metrics")!
        let deadline = ContinuousClock.now + timeout
        var last: ComponentScrape?
        while ContinuousClock.now < deadline, isRunning() {
            if let (data, response) = try? await URLSession.shared.data(from: url),
                (response as? HTTPURLResponse)?.statusCode == 200
            {
                let text = String(decoding: data, as: UTF8.self)
                let (samples, problems) = PrometheusTextChecker.parse(text)
                last = ComponentScrape(text: text, samples: samples, problems: problems)
                if ready(last!) { return last }
            }
            try? await Task.sleep(for: .milliseconds(200))
        }
        return last
    }

    /// Problems with the family names of `component`: prefix, unit suffix, `_total` on counters.
    func nameProblems(component: String) -> [String] {
        var problems: [String] = []
        for line in text.split(separator: "\n") where line.hasPrefix("# TYPE ") {
            let parts = line.split(separator: " ")
            guard parts.count == 4 else { continue }
            let name = String(parts[2])
            if !name.hasPrefix("thinkstream_\(component)_") {
                problems.append("\(name): not thinkstream_\(component)_*")
            }
            if !Self.units.contains(where: { name.hasSuffix($0) }) { problems.append("\(name): no unit suffix") }
            if (parts[3] == "counter") != name.hasSuffix("_total") { problems.append("\(name): \(parts[3]) vs _total") }
        }
        return problems
    }
}
