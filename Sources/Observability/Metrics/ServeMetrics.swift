/// The completions server's metrics (`thinkstream_serve_*`).
public struct ServeMetrics: Sendable {
    public static let requests = MetricDefinition.counter(
        "requests_total", help: "Completions requests answered, by route and HTTP status class (2xx, 4xx, 5xx).")
    public static let promptTokens = MetricDefinition.counter(
        "prompt_tokens_total", help: "Prompt tokens of answered completions requests.")
    public static let generatedTokens = MetricDefinition.counter(
        "generated_tokens_total", help: "Tokens generated for completions requests.")
    public static let inFlightRequests = MetricDefinition.gauge(
        "in_flight_requests", help: "Completions requests being answered now.")
    public static let requestDuration = MetricDefinition.histogram(
        "request_duration_seconds", buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
        help: "Time from a completions request to its last byte.")

    public let registry: MetricsRegistry

    /// Creates the server's metrics on `registry`, with every series at zero so a first scrape lists them.
    public init(registry: MetricsRegistry) {
        self.registry = registry
        registry.increment(Self.promptTokens, by: 0)
        registry.increment(Self.generatedTokens, by: 0)
        registry.set(Self.inFlightRequests, to: 0)
    }

    /// Counts one answered request on `route` with HTTP `status`, and how long it took.
    public func requestDone(route: String, status: Int, duration: Duration) {
        registry.increment(Self.requests, labels: ["route": route, "status": "\(status / 100)xx"])
        registry.record(Self.requestDuration, duration / .seconds(1))
    }

    /// Adds a request's prompt and generated tokens.
    public func tokens(prompt: Int, generated: Int) {
        registry.increment(Self.promptTokens, by: Int64(prompt))
        registry.increment(Self.generatedTokens, by: Int64(generated))
    }

    /// Sets the number of requests being answered.
    public func setInFlight(_ count: Int) { registry.set(Self.inFlightRequests, to: Double(count)) }
}
