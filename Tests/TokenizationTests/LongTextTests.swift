import ThinkStreamTesting
import Foundation
import Testing
import Tokenization

@Suite struct LongTextTests {
    /// Tokenizes the 450 KB perplexity text as llama-perplexity does and compares the token count with
    /// perplexity.json; prints the time taken (not asserted).
    @Test(arguments: TestPaths.modelNames)
    func perplexityTextTokenCountMatchesAndRoundTrips(model: String) throws {
        let tokenizer = try ModelTokenizers.model(model).tokenizer
        let url = TestPaths.goldenDirectory.appendingPathComponent("ppl_text.txt")
        let data = try #require(FileManager.default.contents(atPath: url.path), "missing \(url.path)")
        let text = String(decoding: data, as: UTF8.self)
        let expected = try #require(TestPaths.goldenJSON(model, "perplexity.json")["n_tokens"] as? Int)

        let clock = ContinuousClock()
        var ids: [Int] = []
        let elapsed = clock.measure { ids = tokenizer.encode(text, addSpecial: true, parseSpecial: false) }
        print("\(model): \(data.count) bytes -> \(ids.count) tokens in \(elapsed)")
        #expect(ids.count == expected)
        let withoutBOS = tokenizer.vocabulary.addBOS ? Array(ids.dropFirst()) : ids
        #expect(tokenizer.decode(withoutBOS) == text)
    }
}
