import Foundation

/// The overview as plain text for `thinkstream top`: one section per panel of the web dashboard.
public enum OverviewText {
    /// - Parameter overview: what to show.
    /// - Returns: lines ending in `\n`, without ANSI escapes.
    public static func render(_ overview: DashboardOverview) -> String {
        var lines: [String] = []
        lines.append("thinkstream top — \(overview.eventsSeen) events")
        lines.append("")
        lines.append(
            String(
                format: "throughput  feed %.1f docs/s   augment %.1f docs/s   %.1f samples/s",
                overview.documentsPerSecond,
                overview.augmentDocumentsPerSecond, overview.samplesPerSecond))
        lines.append(
            String(
                format: "tokens      generated %.1f/s   trained %.1f/s", overview.generatedTokensPerSecond,
                overview.trainedTokensPerSecond))
        lines.append(
            "feed        read \(overview.feed.documentsIn)  produced \(overview.feed.produced)  "
                + "duplicates \(overview.feed.duplicates)  dead-lettered \(overview.feed.deadLettered)")
        let eta = overview.backlogEtaSeconds.map { duration($0) } ?? "--"
        if overview.augment != DashboardOverview.AugmentLoad() {
            let inFlight = overview.augment.inFlightDocuments.map(String.init) ?? "--"
            let occupancy = overview.augment.batchOccupancy.map { String(format: "%.1f%%", $0 * 100) } ?? "--"
            lines.append("augment     in flight \(inFlight) documents  batch occupancy \(occupancy)")
        }
        lines.append("lag         raw backlog \(overview.rawBacklog)  ETA \(eta)")
        for lag in overview.lag { lines.append("  \(lag.component) partition \(lag.partition): \(lag.records)") }
        lines.append(
            "difficulty  "
                + (overview.difficultyMix.isEmpty
                    ? "--"
                    : overview.difficultyMix.map {
                        "\(levelName($0.level)) \($0.samples) (" + String(format: "%.0f%%", $0.fraction * 100) + ")"
                    }.joined(separator: "  ")))
        for histogram in overview.thinkingLength {
            lines.append(
                "  thinking \(levelName(histogram.level)): \(histogram.count) samples, mean "
                    + String(format: "%.0f", histogram.mean) + " tokens")
        }
        lines.append(
            "dead letters "
                + (overview.deadLetters.isEmpty
                    ? "0"
                    : overview.deadLetters.map {
                        "\($0.component)/\($0.reason) \($0.count)"
                    }.joined(separator: "  ")))
        if let trainer = overview.trainer {
            lines.append(
                "trainer     step \(trainer.step)  loss document \(loss(trainer.documentLoss))  thinking "
                    + "\(loss(trainer.thinkingLoss))  tokens \(trainer.tokensTrained)")
        } else {
            lines.append("trainer     --")
        }
        lines.append("lineage     sharded \(overview.lineage.sharded)  trained \(overview.lineage.trained) samples")
        lines.append("workers")
        for worker in overview.workers {
            lines.append(
                "  " + pad(worker.component, 8) + " " + pad(worker.instanceId, 32) + " " + pad(worker.status, 7) + " "
                    + String(format: "%.0fs ago", worker.ageSeconds))
        }
        return lines.map { $0 + "\n" }.joined()
    }

    /// A level's name as published; a bare rank (from older workers) reads `level N`.
    static func levelName(_ level: String) -> String { Int(level) == nil ? level : "level \(level)" }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    static func loss(_ value: Double?) -> String { value.map { String(format: "%.4f", $0) } ?? "--" }

    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "--" }
        let total = Int(seconds.rounded())
        return total >= 3600
            ? String(format: "%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60)
            : String(format: "%02d:%02d", total / 60, total % 60)
    }
}
