extension DashboardState {
    /// The overview as of `now` (milliseconds since 1970).
    public func overview(now: Int64) -> DashboardOverview {
        var overview = DashboardOverview()
        overview.generatedAtMs = now
        overview.eventsSeen = eventsSeen
        let rates = rates(at: now)
        overview.documentsPerSecond = rates.feedDocuments
        overview.augmentDocumentsPerSecond = rates.augmentDocuments
        overview.samplesPerSecond = rates.samples
        overview.generatedTokensPerSecond = rates.generatedTokens
        overview.trainedTokensPerSecond = rates.trainedTokens
        for event in latest("feed") {
            overview.feed.documentsIn += event.counter(Names.feedDocumentsIn)
            overview.feed.produced += event.counter(Names.feedDocumentsProduced)
            overview.feed.duplicates += event.counter(Names.feedDuplicates)
            overview.feed.deadLettered += event.counters.filter { $0.name == Names.feedDeadLetters }.reduce(0) {
                $0 + $1.value
            }
        }
        overview.lag = lag()
        overview.rawBacklog = overview.lag.filter { $0.component == "augment" }.reduce(0) { $0 + $1.records }
        if rates.augmentDocuments > 0 {
            overview.backlogEtaSeconds = Double(overview.rawBacklog) / rates.augmentDocuments
        }
        overview.augment = augmentLoad()
        overview.difficultyMix = difficultyMix()
        overview.thinkingLength = thinkingLength()
        overview.deadLetters = deadLetters()
        overview.trainer = trainer()
        overview.rateHistory = rateHistoryPoints
        overview.lossHistory = lossHistoryPoints
        overview.workers = workers(now: now)
        overview.lineage = lineage()
        return overview
    }

    /// Samples sharded by augment and trained on by the trainer, from their latest counters.
    func lineage() -> DashboardOverview.Lineage {
        let total = { (component: String, name: String) in
            latest(component).reduce(0) { sum, event in
                sum + event.counters.filter { $0.name == name }.reduce(0) { $0 + $1.value }
            }
        }
        var lineage = DashboardOverview.Lineage()
        lineage.sharded = total("augment", Names.augmentSamplesOut)
        lineage.trained = total("train", Names.trainSamples)
        lineage.lastLatencySeconds = lastLineageLatencySeconds
        return lineage
    }

    /// In-flight documents summed, and batch occupancy averaged, over the augment workers that report them.
    func augmentLoad() -> DashboardOverview.AugmentLoad {
        let events = latest("augment")
        let inFlight = events.compactMap { $0.gauge(Names.augmentInFlightDocuments) }
        let occupancy = events.compactMap { $0.gauge(Names.augmentBatchOccupancy) }
        return .init(
            inFlightDocuments: inFlight.isEmpty ? nil : inFlight.reduce(0) { $0 + Int64($1.rounded()) },
            batchOccupancy: occupancy.isEmpty ? nil : occupancy.reduce(0, +) / Double(occupancy.count))
    }

    /// Lag by component and partition, from the most recent event that reported each partition.
    func lag() -> [DashboardOverview.PartitionLag] {
        var newest: [String: (timestamp: Int64, lag: DashboardOverview.PartitionLag)] = [:]
        for event in latestEvents {
            for gauge in event.gauges where gauge.name == "thinkstream_\(event.component)_consumer_lag_records" {
                guard let partition = gauge.labels["partition"].flatMap(Int32.init) else { continue }
                let key = "\(event.component)/\(partition)"
                if let known = newest[key], known.timestamp >= event.timestampMilliseconds { continue }
                newest[key] = (
                    event.timestampMilliseconds,
                    .init(
                        component: event.component, partition: partition, records: Int64(gauge.value.rounded()))
                )
            }
        }
        return newest.values.map(\.lag).sorted { ($0.component, $0.partition) < ($1.component, $1.partition) }
    }

    func difficultyMix() -> [DashboardOverview.LevelCount] {
        var byLevel: [String: Int64] = [:]
        for event in latest("augment") {
            for counter in event.counters where counter.name == Names.augmentSamplesOut {
                byLevel[counter.labels["level"] ?? "?", default: 0] += counter.value
            }
        }
        let total = byLevel.values.reduce(0, +)
        return byLevel.sorted { Self.levelOrder($0.key, $1.key) }.map {
            .init(level: $0.key, samples: $0.value, fraction: total > 0 ? Double($0.value) / Double(total) : 0)
        }
    }

    func thinkingLength() -> [DashboardOverview.LevelHistogram] {
        var byLevel: [String: DashboardOverview.LevelHistogram] = [:]
        var sums: [String: Double] = [:]
        for event in latest("augment") {
            for histogram in event.histograms where histogram.name == Names.augmentThinkingLength {
                let level = histogram.labels["level"] ?? "?"
                var merged =
                    byLevel[level]
                    ?? .init(
                        level: level, bounds: histogram.bounds,
                        counts: Array(repeating: 0, count: histogram.counts.count),
                        count: 0, mean: 0)
                guard merged.bounds == histogram.bounds else { continue }
                for index in histogram.counts.indices { merged.counts[index] += histogram.counts[index] }
                merged.count += histogram.count
                sums[level, default: 0] += histogram.sum
                byLevel[level] = merged
            }
        }
        return byLevel.values.map { histogram in
            var histogram = histogram
            histogram.mean = histogram.count > 0 ? sums[histogram.level, default: 0] / Double(histogram.count) : 0
            return histogram
        }.sorted { Self.levelOrder($0.level, $1.level) }
    }

    func deadLetters() -> [DashboardOverview.DeadLetterCount] {
        var counts: [String: DashboardOverview.DeadLetterCount] = [:]
        for event in latestEvents {
            for counter in event.counters where counter.name == "thinkstream_\(event.component)_dead_letters_total" {
                let reason = counter.labels["reason"] ?? "unknown"
                counts[
                    "\(event.component)/\(reason)", default: .init(component: event.component, reason: reason, count: 0)
                ]
                .count += counter.value
            }
        }
        return counts.values.sorted { ($0.component, $0.reason) < ($1.component, $1.reason) }
    }

    func trainer() -> DashboardOverview.TrainerStatus? {
        guard let event = latest("train").max(by: { $0.timestampMilliseconds < $1.timestampMilliseconds }) else {
            return nil
        }
        return .init(
            step: event.counter(Names.trainSteps), documentLoss: event.gauge(Names.lossDocument),
            thinkingLoss: event.gauge(Names.lossThinking),
            tokensTrained: latest("train").reduce(0) { $0 + $1.counter(Names.trainTokens) })
    }

    func workers(now: Int64) -> [DashboardOverview.Worker] {
        latestEvents.map { event in
            let age = Double(now - event.timestampMilliseconds) / 1000
            let status = event.isFinal ? "exited" : age > max(15, 3 * event.intervalSeconds) ? "stale" : "alive"
            return .init(
                component: event.component, instanceId: event.instanceID, host: event.host,
                lastSeenMs: event.timestampMilliseconds, ageSeconds: max(0, age), status: status)
        }.sorted { ($0.component, $0.instanceId) < ($1.component, $1.instanceId) }
    }

    /// Reasoning levels by rank (`none` … `advanced`), then numeric labels, then anything else by name.
    static func levelOrder(_ a: String, _ b: String) -> Bool {
        let rank = { (level: String) -> Int? in AugmentMetrics.levelNames.firstIndex(of: level) }
        switch (rank(a), rank(b), Int(a), Int(b)) {
        case (let x?, let y?, _, _): return x < y
        case (.some, nil, _, _): return true
        case (nil, .some, _, _): return false
        case (nil, nil, let x?, let y?): return x < y
        default: return a < b
        }
    }
}
