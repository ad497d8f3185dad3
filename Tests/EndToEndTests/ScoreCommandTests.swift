import Augmentation
import Foundation
import GGUF
import Inference
import Shards
import Testing
import ThinkStreamTesting
import Tokenization

/// `thinkstream score` runs the scorer augment uses: its numbers equal the estimator and scorer run in-process.
@Suite(.serialized)
struct ScoreCommandTests {
    static let documents: [(id: String, text: String)] = [
        (
            "gsm8k",
            "Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. How many clips did Natalia sell altogether in April and May?"
        ),
        (
            "math",
            #"Find all real numbers $x$ such that $\frac{x^2 - 4}{x - 2} = \sqrt{x + 7}$, and prove that no other solution exists. What is the sum of all such $x$?"#
        ),
        (
            "prose",
            "The village sits at the edge of a quiet valley. In spring the orchards bloom, and visitors walk along the old stone paths to the chapel, where a small museum tells the story of the families who lived there."
        ),
    ]

    static func writeCorpus() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("score-\(UUID()).jsonl").path
        let lines = try documents.map { document in
            String(
                decoding: try JSONSerialization.data(withJSONObject: ["id": document.id, "text": document.text]),
                as: UTF8.self)
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func jsonLines(_ output: String) throws -> [[String: Any]] {
        try output.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    @Test func scoresEqualTheEstimatorAndScorerWithTheGeneratorsOwnWeights() async throws {
        let corpus = try Self.writeCorpus()
        defer { try? FileManager.default.removeItem(atPath: corpus) }
        let model = try ModelFixtures.modelPath("SmolLM2-135M-Instruct.Q4_1")
        let result = try CommandRunner.run(["score", "--model", model, "--json", corpus], timeout: .seconds(300))
        #expect(result.exitCode == 0, "\(result.standardError)")
        let lines = try Self.jsonLines(result.standardOutput)
        #expect(lines.count == Self.documents.count + 1)

        let engine = InferenceEngine(configuration: InferenceConfiguration(contextTokens: 1024))
        try await engine.load(path: model)
        let tokenizer = await engine.tokenizer!
        let file = try GGUFFile(path: model)
        let estimator = DifficultyEstimator(
            backend: engine, tokenizer: tokenizer,
            chatTemplate: ChatTemplate(
                templateText: file.metadata.string("tokenizer.chat_template"), vocabulary: tokenizer.vocabulary))
        let weights = DifficultyWeights.forGenerator(fileName: "SmolLM2-135M-Instruct.Q4_1.gguf", sha256: nil)
        #expect(weights.fittedForGenerator)
        let scorer = DifficultyScorer(weights: weights.weights)
        let policy = UpsamplingPolicy()
        var histogram: [String: Int] = [:]
        var planned = 0
        for (document, line) in zip(Self.documents, lines) {
            let expected = scorer.score(try await estimator.features(for: document.text))
            let plan = policy.plan(for: expected.level)
            #expect(line["id"] as? String == document.id)
            #expect(abs((line["score"] as! Double) - expected.score) < 1e-9, "\(document.id): \(line) vs \(expected)")
            #expect(line["level"] as? String == expected.level.rawValue)
            #expect(line["trajectories"] as? Int == plan.trajectories)
            #expect(line["maxThinkingTokens"] as? Int == plan.maxThinkingTokens)
            histogram[expected.level.rawValue, default: 0] += 1
            planned += plan.trajectories * plan.maxThinkingTokens
        }
        #expect(lines[0]["level"] as? String != "none" && lines[2]["level"] as? String == "none")
        let report = try #require(lines.last)
        #expect(report["weightsFitForGenerator"] as? Bool == true)
        let summary = try #require(report["summary"] as? [String: Any])
        #expect(summary["documents"] as? Int == 3)
        #expect(summary["plannedThinkingTokens"] as? Int == planned)
        let levels = try #require(summary["levels"] as? [String: Int])
        for (level, count) in histogram { #expect(levels[level] == count) }
        // The speed probe ran and predicts a positive, finite generation time.
        let speed = try #require(report["speed"] as? [String: Any])
        #expect((speed["decodeTokensPerSecond"] as! Double) > 0)
        let seconds = try #require(report["predictedGenerationSeconds"] as? Double)
        #expect(seconds > 0 && seconds.isFinite)
    }

    @Test func aGeneratorWithoutFittedWeightsWarnsAndScoresStructurally() throws {
        let corpus = try Self.writeCorpus()
        defer { try? FileManager.default.removeItem(atPath: corpus) }
        let model = try ModelFixtures.modelPath("gemma-3-270m-q4_k_m")
        let result = try CommandRunner.run(["score", "--model", model, "--json", "--no-probe", corpus])
        #expect(result.exitCode == 0, "\(result.standardError)")
        #expect(result.standardError.contains("no difficulty weights were fitted for gemma-3-270m-q4_k_m.gguf"))
        let lines = try Self.jsonLines(result.standardOutput)
        let scorer = DifficultyScorer(weights: .structural)
        for (document, line) in zip(Self.documents, lines) {
            let expected = scorer.score(DifficultyFeatures(structuralOnly: StructuralFeatures(text: document.text)))
            #expect(abs((line["score"] as! Double) - expected.score) < 1e-12)
            #expect(line["level"] as? String == expected.level.rawValue)
        }
        #expect(lines.last?["weights"] as? String == "*")
        #expect(lines.last?["predictedGenerationSeconds"] == nil)
    }

    @Test func aBadLineIsRefusedNamingTheFileAndLine() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("score-bad-\(UUID()).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "{\"text\": \"fine\"}\n{\"body\": \"no text\"}\n".write(toFile: path, atomically: true, encoding: .utf8)
        let result = try CommandRunner.run(["score", "--no-probe", path])
        #expect(result.exitCode == 64)
        #expect(result.standardError.contains("\(path):2: no non-empty string field 'text'"), "\(result.standardError)")
    }
}
