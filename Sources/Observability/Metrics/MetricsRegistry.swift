import Foundation
import Prometheus
import Synchronization

/// One process's metrics: counters, gauges and fixed-bucket histograms keyed by a `MetricDefinition` and labels.
///
/// Every update lands twice: in this registry's own values, which `event(...)` turns into a `MetricsEvent` for the
/// metrics topic, and in `prometheus`, which the `/metrics` endpoint renders. Components that hold their numbers
/// elsewhere register a collector closure (`onCollect`) that copies them in before each snapshot or scrape.
/// Labels must be low-cardinality (partition, level, reason), and one definition always uses the same label keys.
public final class MetricsRegistry: Sendable {
    public let identity: MetricsIdentity
    /// The swift-prometheus registry the CLI also bootstraps `MetricsSystem` with.
    public let prometheus: PrometheusCollectorRegistry
    private let state = Mutex(State())
    private let collectors = Mutex<[@Sendable (MetricsRegistry) -> Void]>([])

    struct SeriesKey: Hashable {
        var name: String
        var labels: [String: String]
    }

    struct CounterSeries {
        var value: Int64
        let handle: Counter
    }

    struct GaugeSeries {
        var value: Double
        let handle: Gauge
    }

    struct HistogramSeries {
        var bounds: [Double]
        var counts: [Int64]  // [bounds.count + 1], the last bucket is +Inf
        var sum: Double
        let handle: ValueHistogram
    }

    struct State {
        var counters: [SeriesKey: CounterSeries] = [:]
        var gauges: [SeriesKey: GaugeSeries] = [:]
        var histograms: [SeriesKey: HistogramSeries] = [:]
    }

    /// - Parameters:
    ///   - identity: the publishing component and instance.
    ///   - prometheus: the collector registry to mirror into; a fresh one by default.
    public init(identity: MetricsIdentity, prometheus: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.identity = identity
        self.prometheus = prometheus
    }

    /// Adds `amount` to a counter.
    public func increment(_ metric: MetricDefinition, by amount: Int64 = 1, labels: [String: String] = [:]) {
        precondition(amount >= 0, "counter \(metric.name) cannot decrease")
        updateCounter(metric, labels: labels) { _ in amount }
    }

    /// Raises a counter to `total` (a running total kept elsewhere); a smaller `total` is ignored.
    public func advance(_ metric: MetricDefinition, to total: Int64, labels: [String: String] = [:]) {
        updateCounter(metric, labels: labels) { current in max(0, total - current) }
    }

    /// Adds `delta(current value)` to a counter under the lock, so concurrent updates never double-count.
    private func updateCounter(_ metric: MetricDefinition, labels: [String: String], delta: (Int64) -> Int64) {
        precondition(metric.kind == .counter, "\(metric.name) is not a counter")
        let key = SeriesKey(name: metric.name, labels: labels)
        state.withLock { state in
            if state.counters[key] == nil {
                let handle = prometheus.makeCounter(descriptor: descriptor(metric), labels: Self.sorted(labels))
                state.counters[key] = CounterSeries(value: 0, handle: handle)
            }
            let amount = delta(state.counters[key]!.value)
            guard amount > 0 else { return }
            state.counters[key]!.value += amount
            state.counters[key]!.handle.increment(by: amount)
        }
    }

    /// Sets a gauge.
    public func set(_ metric: MetricDefinition, to value: Double, labels: [String: String] = [:]) {
        precondition(metric.kind == .gauge, "\(metric.name) is not a gauge")
        let key = SeriesKey(name: metric.name, labels: labels)
        state.withLock { state in
            if state.gauges[key] == nil {
                let handle = prometheus.makeGauge(descriptor: descriptor(metric), labels: Self.sorted(labels))
                state.gauges[key] = GaugeSeries(value: 0, handle: handle)
            }
            state.gauges[key]!.value = value
            state.gauges[key]!.handle.set(to: value)
        }
    }

    /// Records one observation in a histogram.
    public func record(_ metric: MetricDefinition, _ value: Double, labels: [String: String] = [:]) {
        guard case .histogram(let bounds) = metric.kind else {
            preconditionFailure("\(metric.name) is not a histogram")
        }
        let key = SeriesKey(name: metric.name, labels: labels)
        state.withLock { state in
            if state.histograms[key] == nil {
                let handle = prometheus.makeValueHistogram(
                    descriptor: descriptor(metric), labels: Self.sorted(labels), buckets: bounds)
                state.histograms[key] = HistogramSeries(
                    bounds: bounds, counts: Array(repeating: 0, count: bounds.count + 1), sum: 0, handle: handle)
            }
            let bucket = bounds.firstIndex { value <= $0 } ?? bounds.count
            state.histograms[key]!.counts[bucket] += 1
            state.histograms[key]!.sum += value
            state.histograms[key]!.handle.record(value)
        }
    }

    /// The counter's current value (0 when never incremented).
    public func counterValue(_ metric: MetricDefinition, labels: [String: String] = [:]) -> Int64 {
        state.withLock { $0.counters[SeriesKey(name: metric.name, labels: labels)]?.value ?? 0 }
    }

    /// The gauge's current value, if it was ever set.
    public func gaugeValue(_ metric: MetricDefinition, labels: [String: String] = [:]) -> Double? {
        state.withLock { $0.gauges[SeriesKey(name: metric.name, labels: labels)]?.value }
    }

    /// Registers a closure that refreshes values (lag, memory) right before each snapshot or scrape.
    /// - Parameter collector: called with this registry, outside its lock, on whichever thread snapshots.
    public func onCollect(_ collector: @escaping @Sendable (MetricsRegistry) -> Void) {
        collectors.withLock { $0.append(collector) }
    }

    /// Runs the collectors.
    public func collect() {
        for collector in collectors.withLock({ $0 }) { collector(self) }
    }

    /// The Prometheus text exposition of everything registered, after running the collectors.
    public func prometheusText() -> [UInt8] {
        collect()
        return prometheus.emitToBuffer()
    }

    /// A metrics event with the current values, after running the collectors. Non-finite gauges are left out.
    /// - Parameters:
    ///   - sequence: the publisher's running number for this instance.
    ///   - isFinal: whether this is the last event before the process exits.
    ///   - interval: how often the publisher sends events.
    public func event(sequence: Int64, isFinal: Bool, interval: Duration, now: Date = Date()) -> MetricsEvent {
        collect()
        let component = identity.component
        let full = { (name: String) in "thinkstream_\(component)_\(name)" }
        return state.withLock { state in
            MetricsEvent(
                component: component, instanceID: identity.instanceID, host: identity.host,
                timestampMilliseconds: Int64((now.timeIntervalSince1970 * 1000).rounded()), sequence: sequence,
                isFinal: isFinal, intervalSeconds: Double(interval.components.seconds),
                counters: state.counters.map { key, series in
                    MetricsEvent.Counter(name: full(key.name), labels: key.labels, value: series.value)
                }.sorted(by: MetricsEvent.order),
                gauges: state.gauges.filter { $0.value.value.isFinite }.map { key, series in
                    MetricsEvent.Gauge(name: full(key.name), labels: key.labels, value: series.value)
                }.sorted(by: MetricsEvent.order),
                histograms: state.histograms.map { key, series in
                    MetricsEvent.Histogram(
                        name: full(key.name), labels: key.labels, bounds: series.bounds, counts: series.counts,
                        count: series.counts.reduce(0, +), sum: series.sum)
                }.sorted(by: MetricsEvent.order))
        }
    }

    private func descriptor(_ metric: MetricDefinition) -> MetricNameDescriptor {
        MetricNameDescriptor(
            metricName: metric.fullName(component: identity.component), unitName: "", helpText: metric.help)
    }

    private static func sorted(_ labels: [String: String]) -> [(String, String)] {
        labels.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}
