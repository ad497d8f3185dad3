/// How a process reports metrics: how often it publishes to the metrics topic, and where `/metrics` listens.
public struct MetricsConfiguration: Sendable, Equatable {
    /// Seconds between metrics events (`metrics.interval`).
    public var interval: Duration
    /// Address `/metrics` binds (`metrics.host`); loopback unless deliberately opened.
    public var endpointHost: String
    /// Port of `/metrics` (`metrics.port`); 0 turns the endpoint off.
    public var endpointPort: Int

    public init(interval: Duration = .seconds(5), endpointHost: String = "127.0.0.1", endpointPort: Int = 0) {
        self.interval = interval
        self.endpointHost = endpointHost
        self.endpointPort = endpointPort
    }

    /// - Throws: `ObservabilityError` (`.invalidConfiguration`) naming the key and value.
    public func validate() throws {
        guard interval > .zero else {
            throw ObservabilityError(.invalidConfiguration, "metrics.interval \(interval) must be positive, e.g. 5")
        }
        guard (0...65535).contains(endpointPort) else {
            throw ObservabilityError(.invalidConfiguration, "metrics.port \(endpointPort) must be 0 (off) to 65535")
        }
        guard !endpointHost.isEmpty else {
            throw ObservabilityError(.invalidConfiguration, "metrics.host is empty; use 127.0.0.1 or 0.0.0.0")
        }
    }
}
