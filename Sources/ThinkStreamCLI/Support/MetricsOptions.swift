import ArgumentParser
import Foundation
import Observability

/// How a long-running command reports metrics: `metrics.*` settings, resolved by ``SettingsResolver``.
struct MetricsOptions: ParsableArguments, SettingFlags {
    @Option(help: "Seconds between metrics events on the metrics topic (env THINKSTREAM_METRICS_INTERVAL; default 5).")
    var metricsInterval: Double?

    @Option(help: "Port for /metrics (Prometheus); 0 turns it off (env THINKSTREAM_METRICS_PORT; default 0).")
    var metricsPort: Int?

    @Option(help: "Address /metrics binds (env THINKSTREAM_METRICS_HOST; default 127.0.0.1).")
    var metricsHost: String?

    func settingFlags() throws -> [String: String] {
        var values: [String: String] = [:]
        values["metrics.interval"] = metricsInterval.map { "\($0)" }
        values["metrics.port"] = metricsPort.map { "\($0)" }
        values["metrics.host"] = metricsHost
        return values
    }

    /// The metrics configuration the resolved settings describe.
    /// - Throws: `ValidationError` naming a malformed value and where it came from.
    func configuration(_ settings: SettingsResolver) throws -> MetricsConfiguration {
        let seconds = try settings.number("metrics.interval", expected: "seconds") ?? 5
        let port = try settings.integer("metrics.port", expected: "a port") ?? 0
        let configuration = MetricsConfiguration(
            interval: .milliseconds(Int(seconds * 1000)),
            endpointHost: settings.value("metrics.host")?.value ?? "127.0.0.1", endpointPort: port)
        do {
            try configuration.validate()
        } catch {
            throw ValidationError("\(error)")
        }
        return configuration
    }
}
