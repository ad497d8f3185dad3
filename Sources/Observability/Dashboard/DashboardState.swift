/// Folds metrics-topic events into what the dashboard shows: latest event per instance, rates over the last
/// `rateSpanMilliseconds` of each instance's events, sums across instances, and short histories for the charts. A
/// value type without I/O; tested directly.
public struct DashboardState: Sendable {
    struct Instance {
        var latest: MetricsEvent
        /// Earlier events within the rate span before `latest`, oldest first; at least the one before it.
        var earlier: [MetricsEvent] = []
        /// The rate baseline: the oldest event kept.
        var previous: MetricsEvent? { earlier.first }
    }

    /// Instances silent longer than this no longer count towards rates (milliseconds).
    public var rateWindowMilliseconds: Int64 = 60_000
    /// Rates are averaged over an instance's events this far back (milliseconds), so counters that move in bursts
    /// (augment counts documents when their shard commits) show a steady rate and the backlog ETA stays defined.
    public var rateSpanMilliseconds: Int64 = 30_000
    /// Points kept per chart.
    public var historyLimit = 240
    private var instances: [String: Instance] = [:]
    private(set) var rateHistoryPoints: [DashboardOverview.RatePoint] = []
    private(set) var lossHistoryPoints: [DashboardOverview.LossPoint] = []
    private(set) var lastLineageLatencySeconds: Double?
    private var shardedAt: [String: Int64] = [:]
    private(set) var eventsSeen: Int64 = 0

    public init() {}

    /// Takes in one metrics event; older or repeated events of an instance are ignored.
    public mutating func ingest(_ event: MetricsEvent) {
        eventsSeen += 1
        if let known = instances[event.instanceID] {
            guard
                event.sequence > known.latest.sequence
                    || event.timestampMilliseconds > known.latest.timestampMilliseconds
            else { return }
            var earlier = known.earlier + [known.latest]
            while earlier.count > 1,
                event.timestampMilliseconds - earlier[0].timestampMilliseconds > rateSpanMilliseconds
            {
                earlier.removeFirst()
            }
            instances[event.instanceID] = Instance(latest: event, earlier: earlier)
        } else {
            instances[event.instanceID] = Instance(latest: event)
        }
        let rates = self.rates(at: event.timestampMilliseconds)
        Self.append(
            &rateHistoryPoints, limit: historyLimit,
            .init(
                timestampMs: event.timestampMilliseconds, documentsPerSecond: rates.feedDocuments,
                samplesPerSecond: rates.samples, generatedTokensPerSecond: rates.generatedTokens,
                trainedTokensPerSecond: rates.trainedTokens))
        if event.component == "train", let step = event.counters.first(where: { $0.name == Names.trainSteps })?.value {
            Self.append(
                &lossHistoryPoints, limit: historyLimit,
                .init(
                    timestampMs: event.timestampMilliseconds, step: step, document: event.gauge(Names.lossDocument),
                    thinking: event.gauge(Names.lossThinking)))
        }
    }

    /// Takes in one lineage event: a `sharded` event remembers when its shard's oldest input arrived, and the
    /// `trained` event of the same shard turns that into the end-to-end latency. (Sample counts come from the
    /// components' counters, which every run publishes.)
    public mutating func ingest(_ event: LineageEvent) {
        eventsSeen += 1
        switch event.stage {
        case .sharded:
            shardedAt[event.shardID] = event.oldestInputTimestampMilliseconds ?? event.timestampMilliseconds
        case .trained:
            if let start = event.oldestInputTimestampMilliseconds ?? shardedAt.removeValue(forKey: event.shardID) {
                lastLineageLatencySeconds = Double(event.timestampMilliseconds - start) / 1000
            }
        }
    }

    private static func append<Point>(_ history: inout [Point], limit: Int, _ point: Point) {
        history.append(point)
        if history.count > limit { history.removeFirst(history.count - limit) }
    }

    struct Rates {
        var feedDocuments = 0.0
        var augmentDocuments = 0.0
        var samples = 0.0
        var generatedTokens = 0.0
        var trainedTokens = 0.0
    }

    /// Per-second rates summed over instances heard from within the rate window before `now`.
    func rates(at now: Int64) -> Rates {
        var rates = Rates()
        for instance in instances.values where now - instance.latest.timestampMilliseconds <= rateWindowMilliseconds {
            let rate = { (name: String) -> Double in Self.rate(of: name, in: instance) }
            switch instance.latest.component {
            case "feed":
                // A feed job that finished (or reported once) shows its run's average, not the zero between its
                // last two events.
                rates.feedDocuments +=
                    instance.previous == nil || instance.latest.isFinal
                    ? instance.latest.gauge(Names.feedDocumentsPerSecond) ?? 0 : rate(Names.feedDocumentsIn)
            case "augment":
                rates.augmentDocuments += rate(Names.augmentDocumentsIn)
                rates.samples += rate(Names.augmentSamplesOut)
                rates.generatedTokens += rate(Names.augmentTokensGenerated)
            case "train":
                rates.trainedTokens += rate(Names.trainTokens)
            default: break
            }
        }
        return rates
    }

    /// Increase of counter `name` (summed over labels) per second between an instance's rate baseline and its latest
    /// event.
    static func rate(of name: String, in instance: Instance) -> Double {
        guard let previous = instance.previous else { return 0 }
        let seconds = Double(instance.latest.timestampMilliseconds - previous.timestampMilliseconds) / 1000
        guard seconds > 0 else { return 0 }
        let total = { (event: MetricsEvent) in event.counters.filter { $0.name == name }.reduce(0) { $0 + $1.value } }
        return max(0, Double(total(instance.latest) - total(previous)) / seconds)
    }

    /// The latest event of every instance.
    var latestEvents: [MetricsEvent] { instances.values.map(\.latest) }

    /// Latest events of every instance of `component`.
    func latest(_ component: String) -> [MetricsEvent] {
        instances.values.map(\.latest).filter { $0.component == component }
    }
}
