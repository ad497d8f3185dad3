import ArgumentParser
import Foundation
import Observability

/// How a long-running command reports metrics; each option falls back to THINKSTREAM_METRICS_*, then the default.
struct MetricsOptions: ParsableArguments {
    @Option(help: "Seconds between metrics events on the metrics topic (env THINKSTREAM_METRICS_INTERVAL; default 5).")
    var metricsInterval: Double?

    @Option(help: "Port for /metrics (Prometheus); 0 turns it off (env THINKSTREAM_METRICS_PORT; default 0).")
    var metricsPort: Int?

    @Option(help: "Address /metrics binds (env THINKSTREAM_METRICS_HOST; default 127.0.0.1).")
    var metricsHost: String?

    /// Refuses a malformed flag or THINKSTREAM_METRICS_* value before the command touches the network.
    func validate() throws { _ = try configuration() }

    /// The metrics configuration these options and the environment describe.
    /// - Throws: `ValidationError` naming a malformed value.
    func configuration() throws -> MetricsConfiguration {
        let environment = ProcessInfo.processInfo.environment
        let seconds =
            try metricsInterval ?? environment["THINKSTREAM_METRICS_INTERVAL"].map {
                guard let value = Double($0), value.isFinite else {
                    throw ValidationError("THINKSTREAM_METRICS_INTERVAL '\($0)': expected seconds")
                }
                return value
            } ?? 5
        let port =
            try metricsPort ?? environment["THINKSTREAM_METRICS_PORT"].map {
                guard let value = Int($0) else {
                    throw ValidationError("THINKSTREAM_METRICS_PORT '\($0)': expected a port")
                }
                return value
            } ?? 0
        let configuration = MetricsConfiguration(
            interval: .milliseconds(Int(seconds * 1000)),
            endpointHost: metricsHost ?? environment["THINKSTREAM_METRICS_HOST"] ?? "127.0.0.1",
            endpointPort: port)
        do {
            try configuration.validate()
        } catch {
            throw ValidationError("\(error)")
        }
        return configuration
    }
}
