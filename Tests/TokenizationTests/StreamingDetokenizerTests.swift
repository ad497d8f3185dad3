import ThinkStreamTesting
import Testing
import Tokenization

@Suite struct StreamingDetokenizerTests {
    static let multiByteText = "Emoji: 😀🎉👍🏽 🇫🇷 中文分词测试 한국어 Ελληνικά 👨‍👩‍👧‍👦 é\u{301} 𓀀𓁿𠜎𪚥 🫨🪿"

    @Test(arguments: TestPaths.modelNames)
    func neverEmitsBrokenUTF8(model: String) throws {
        let tokenizer = try ModelTokenizers.model(model).tokenizer
        let ids = tokenizer.encode(Self.multiByteText, addSpecial: false, parseSpecial: false)
        var detokenizer = StreamingDetokenizer(tokenizer: tokenizer)
        var output = ""
        var splitCharacters = 0
        for id in ids {
            let chunk = detokenizer.append(id)
            #expect(!chunk.unicodeScalars.contains("\u{FFFD}"), "chunk \(chunk) holds a replacement character")
            if detokenizer.pendingByteCount > 0 { splitCharacters += 1 }
            output += chunk
        }
        output += detokenizer.finish()
        #expect(output == Self.multiByteText)
        #expect(splitCharacters > 0, "the text should split some character across tokens")
    }
}
