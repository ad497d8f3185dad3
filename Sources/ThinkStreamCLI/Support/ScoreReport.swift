import Augmentation
import Foundation
import Shards

/// One scored document and the trajectories augment would plan for it.
struct ScoredDocument: Codable {
    var id: String
    var score: Double
    var level: ReasoningLevel
    var trajectories: Int
    var maxThinkingTokens: Int
    /// Tokens of the generation prompt each trajectory prefills.
    var promptTokens: Int
    /// Thinking tokens planned at most: trajectories × budget.
    var plannedThinkingTokens: Int { trajectories * maxThinkingTokens }

    enum CodingKeys: String, CodingKey { case id, score, level, trajectories, maxThinkingTokens, promptTokens }
}

/// Totals over the scored documents.
struct ScoreSummary: Codable {
    var documents = 0
    var levels: [ReasoningLevel: Int] = Dictionary(uniqueKeysWithValues: ReasoningLevel.allCases.map { ($0, 0) })
    var trajectories = 0
    var plannedThinkingTokens = 0
    var promptTokensToPrefill = 0

    mutating func add(_ document: ScoredDocument) {
        documents += 1
        levels[document.level, default: 0] += 1
        trajectories += document.trajectories
        plannedThinkingTokens += document.plannedThinkingTokens
        promptTokensToPrefill += document.trajectories * document.promptTokens
    }
}

/// The summary `score` prints last.
struct ScoreReport: Encodable {
    var generator: String
    /// The generator the difficulty weights were fitted for (`*`: the structural weights).
    var weights: String
    var weightsFitForGenerator: Bool
    var summary: ScoreSummary
    var speed: EngineSpeed?
    /// Generation time at the measured speed when every trajectory uses its whole budget: prefill of every
    /// trajectory's prompt plus batched decode of the planned thinking tokens.
    var predictedGenerationSeconds: Double? {
        guard let speed, speed.prefillTokensPerSecond > 0, speed.decodeTokensPerSecond > 0 else { return nil }
        return Double(summary.promptTokensToPrefill) / speed.prefillTokensPerSecond
            + Double(summary.plannedThinkingTokens) / speed.decodeTokensPerSecond
    }

    enum CodingKeys: String, CodingKey {
        case generator, weights, weightsFitForGenerator, summary, speed, predictedGenerationSeconds
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(generator, forKey: .generator)
        try container.encode(weights, forKey: .weights)
        try container.encode(weightsFitForGenerator, forKey: .weightsFitForGenerator)
        try container.encode(summary, forKey: .summary)
        try container.encodeIfPresent(speed, forKey: .speed)
        try container.encodeIfPresent(predictedGenerationSeconds, forKey: .predictedGenerationSeconds)
    }
}

/// `score`'s text and JSON renderings.
enum ScoreOutput {
    static func line(_ document: ScoredDocument) -> String {
        String(
            format: "%@  score %.3f  %@  %d × %d thinking tokens", document.id, document.score,
            document.level.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0), document.trajectories,
            document.maxThinkingTokens)
    }

    static func jsonLine(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func describe(_ report: ScoreReport) -> String {
        let s = report.summary
        let histogram = ReasoningLevel.allCases.map { "\($0.rawValue) \(s.levels[$0] ?? 0)" }
            .joined(separator: ", ")
        var lines = [
            "",
            "\(s.documents) documents scored with \(report.weights == "*" ? "the structural weights" : "the weights fitted for \(report.weights)") (generator \(report.generator))",
            "levels: \(histogram)",
            "planned: \(s.trajectories) trajectories, at most \(s.plannedThinkingTokens) thinking tokens, "
                + "\(s.promptTokensToPrefill) prompt tokens to prefill",
        ]
        if let speed = report.speed, let seconds = report.predictedGenerationSeconds {
            lines.append(
                String(
                    format: "this machine (probe: prefill %.0f tokens/s, decode %.1f tokens/s at %d sequences): "
                        + "at most %@ of generation (%.1f h)", speed.prefillTokensPerSecond,
                    speed.decodeTokensPerSecond, speed.sequences, ProgressLine.duration(seconds), seconds / 3600))
        }
        return lines.joined(separator: "\n")
    }
}
