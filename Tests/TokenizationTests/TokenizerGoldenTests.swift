import ThinkStreamTesting
import Foundation
import Testing
import Tokenization

@Suite struct TokenizerGoldenTests {
    static let variants: [(name: String, addSpecial: Bool, parseSpecial: Bool)] = [
        ("no_special_no_parse", false, false), ("no_special_parse", false, true),
        ("add_special_no_parse", true, false), ("add_special_parse", true, true),
    ]

    @Test(arguments: TestPaths.modelNames)
    func everyStringAndVariantTokenizesLikeLlamaCpp(model: String) throws {
        let tokenizer = try ModelTokenizers.model(model).tokenizer
        let golden = try TestPaths.goldenJSON(model, "tokenize.json")
        let cases = try #require(golden["cases"] as? [[String: Any]])
        #expect(cases.count == 40)
        var passed = 0
        for testCase in cases {
            let text = try #require(testCase["text"] as? String)
            for variant in Self.variants {
                let expected = try #require(testCase[variant.name] as? [Int])
                let actual = tokenizer.encode(text, addSpecial: variant.addSpecial, parseSpecial: variant.parseSpecial)
                if actual == expected {
                    passed += 1
                } else {
                    Issue.record("\(model) \(testCase["id"]!) \(variant.name): expected \(expected) got \(actual)")
                }
            }
        }
        print("\(model): \(passed)/\(cases.count * Self.variants.count) golden tokenizations match")
        #expect(passed == cases.count * Self.variants.count)
    }

    @Test(arguments: TestPaths.modelNames)
    func detokenizationRoundTripsLikeLlamaCpp(model: String) throws {
        let tokenizer = try ModelTokenizers.model(model).tokenizer
        let golden = try TestPaths.goldenJSON(model, "tokenize.json")
        for testCase in try #require(golden["cases"] as? [[String: Any]]) {
            let plain = try #require(testCase["no_special_no_parse"] as? [Int])
            let parsed = try #require(testCase["no_special_parse"] as? [Int])
            #expect(tokenizer.decode(plain) == testCase["detok"] as? String, "\(testCase["id"]!)")
            #expect(
                tokenizer.decode(parsed, unparseSpecial: true) == testCase["detok_parse"] as? String,
                "\(testCase["id"]!)")
        }
    }

    @Test(arguments: TestPaths.modelNames)
    func endOfGenerationSetMatchesLlamaCpp(model: String) throws {
        let vocabulary = try ModelTokenizers.model(model).tokenizer.vocabulary
        let meta = try TestPaths.goldenJSON(model, "meta.json")
        let expected = try #require(meta["eog_ids"] as? [Int])
        #expect(vocabulary.endOfGenerationIDs == Set(expected))
        #expect(vocabulary.bosID == meta["bos_id"] as? Int)
        #expect(vocabulary.eosID == meta["eos_id"] as? Int)
        #expect(vocabulary.addBOS == meta["add_bos"] as? Bool)
    }

    @Test(arguments: TestPaths.modelNames)
    func greedyPromptTokensMatch(model: String) throws {
        let tokenizer = try ModelTokenizers.model(model).tokenizer
        let greedy = try TestPaths.goldenJSON(model, "greedy.json")
        for prompt in try #require(greedy["prompts"] as? [[String: Any]]) {
            let text = try #require(prompt["prompt"] as? String)
            #expect(tokenizer.encode(text) == prompt["prompt_tokens"] as? [Int], "\(prompt["id"]!)")
        }
    }
}
