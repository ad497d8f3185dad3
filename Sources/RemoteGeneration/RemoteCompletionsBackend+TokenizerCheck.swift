import Foundation
import Tokenization

extension RemoteCompletionsBackend {
    /// The text the check sends as token ids: plain ASCII words, digits and punctuation, whose tokens decode to
    /// whole characters on any byte-level or SentencePiece vocabulary.
    static let tokenizerProbe = "ThinkStream tokenizer check: reasoning 12345, mathematics (x + y) = z."

    /// Sends the probe as token ids with `echo` and compares the server's text of each token with the local one.
    ///
    /// - Throws: `RemoteGenerationError.tokenizerMismatch` naming the first differing token, or the request's error.
    func checkTokenizer() async throws {
        let ids = tokenizer.encode(Self.tokenizerProbe, addSpecial: false, parseSpecial: false)
        guard ids.count > 1 else { return }
        let remote = try await echoedTokenTexts(tokens: ids)
        for (position, id) in ids.enumerated() {
            let local = String(decoding: tokenizer.piece(for: id), as: UTF8.self)
            guard remote[position] == local else {
                throw RemoteGenerationError(
                    .tokenizerMismatch,
                    "\(configuration.baseURL.absoluteString) (model '\(model)') reads token \(id) at position "
                        + "\(position) of the probe as \(String(reflecting: remote[position])); the local tokenizer "
                        + "reads \(String(reflecting: local)); serve a model with the same tokenizer as --model")
            }
        }
    }
}
