import Augmentation
import Foundation
import Inference
import Testing

@Suite struct DifficultyScorerTests {
    @Test func embeddedWeightsMatchTheCommittedFile() throws {
        let path = TestFixtures.packageRoot
            .appendingPathComponent("Sources/Augmentation/Resources/difficulty-weights.v1.json").path
        let data = try #require(FileManager.default.contents(atPath: path))
        #expect(try DifficultyWeights(jsonData: data) == DifficultyWeights.fitted)
    }

    @Test func levelsFollowTheThresholds() throws {
        let scorer = DifficultyScorer()
        let t = scorer.weights.levelThresholds
        #expect(scorer.level(for: 0) == .none)
        #expect(scorer.level(for: t[0]) == .basic)
        #expect(scorer.level(for: t[1]) == .intermediate)
        #expect(scorer.level(for: t[2]) == .advanced)
        #expect(scorer.level(for: 1) == .advanced)
    }

    @Test func inconsistentWeightsAreRejectedByName() {
        let json =
            #"{"version":1,"generator":"g","scoringTokens":128,"ratingPromptVersion":1,"features":["bogus"],"#
            + #""means":[0],"standardDeviations":[1],"coefficients":[1],"intercept":0,"levelThresholds":[0.2,0.5,0.8]}"#
        do {
            _ = try DifficultyWeights(jsonData: Data(json.utf8))
            Issue.record("expected an error")
        } catch {
            #expect("\(error)".contains("unknown feature 'bogus'"))
        }
    }

    @Test func aGSM8KProblemOutscoresPlainProseWithTheCommittedWeights() async throws {
        let estimator = try await EngineFixture.estimator()
        let problem = try TestFixtures.sharedRecord("gsm8k_test.jsonl", id: "gsm8k-test-0000")["text"] as! String
        let prose =
            "The village sits at the edge of a quiet valley. In spring the orchards bloom, and visitors walk along "
            + "the old stone paths to the chapel, where a small museum tells the story of the families who lived there."
        let scorer = DifficultyScorer()
        let problemScore = scorer.score(try await estimator.features(for: problem))
        let proseScore = scorer.score(try await estimator.features(for: prose))
        #expect(problemScore.score > proseScore.score)
        #expect(problemScore.level >= proseScore.level)
        #expect((0...1).contains(problemScore.score) && (0...1).contains(proseScore.score))
    }
}
