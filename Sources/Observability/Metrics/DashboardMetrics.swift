/// The dashboard's own metrics (`thinkstream_dashboard_*`), copied from its store at each scrape.
public struct DashboardMetrics: Sendable {
    public static let eventsConsumed = MetricDefinition.counter(
        "events_consumed_total", help: "Metrics and lineage events read from the metrics topic.")
    public static let malformedRecords = MetricDefinition.counter(
        "malformed_records_total", help: "Metrics-topic records that did not decode.")

    /// Adds a collector that copies `store`'s counts into `registry` before each snapshot or scrape.
    public static func register(store: DashboardStore, on registry: MetricsRegistry) {
        registry.onCollect { registry in
            registry.advance(eventsConsumed, to: store.eventsSeen)
            registry.advance(malformedRecords, to: Int64(store.malformedRecords))
        }
    }
}
