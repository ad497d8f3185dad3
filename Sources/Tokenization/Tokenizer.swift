/// Turns text into token ids and back, reproducing llama.cpp's `llama_tokenize` and `llama_detokenize` for
/// byte-level BPE (`gpt2`) and SentencePiece-style (`llama`) vocabularies.
public struct Tokenizer: Sendable {
    /// The vocabulary this tokenizer was built from.
    public let vocabulary: Vocabulary
    private let partitioner: SpecialTokenPartitioner
    private let bytePairEncoder: BytePairEncoder?
    private let sentencePieceEncoder: SentencePieceEncoder?

    /// Builds the tokenizer's lookup tables.
    /// - Parameter vocabulary: The model's vocabulary.
    /// - Throws: `TokenizationError.Code.unsupportedModel` for a BPE pre-tokenizer that is not implemented.
    public init(vocabulary: Vocabulary) throws {
        self.vocabulary = vocabulary
        partitioner = SpecialTokenPartitioner(vocabulary: vocabulary)
        switch vocabulary.model {
        case .bytePairEncoding:
            guard let preTokenizer = PreTokenizer(name: vocabulary.preTokenizer) else {
                throw TokenizationError(
                    .unsupportedModel,
                    "tokenizer.ggml.pre '\(vocabulary.preTokenizer)' is not implemented; supported: "
                        + PreTokenizer.supportedNames.joined(separator: ", ")
                )
            }
            bytePairEncoder = BytePairEncoder(vocabulary: vocabulary, preTokenizer: preTokenizer)
            sentencePieceEncoder = nil
        case .sentencePiece:
            bytePairEncoder = nil
            sentencePieceEncoder = SentencePieceEncoder(vocabulary: vocabulary)
        }
    }

    /// Tokenizes `text`.
    /// - Parameters:
    ///   - text: The input.
    ///   - addSpecial: Prepend BOS if the vocabulary's `addBOS` is set, append EOS if `addEOS` is set.
    ///   - parseSpecial: Turn the text of control tokens (`<|im_start|>`) into their ids; user-defined tokens are
    ///     always split out.
    /// - Returns: The token ids.
    public func encode(_ text: String, addSpecial: Bool = true, parseSpecial: Bool = true) -> [Int] {
        let bytes = Array(text.utf8)
        var output: [Int] = []
        output.reserveCapacity(bytes.count / 3 + 2)
        if addSpecial && vocabulary.addBOS, let bos = vocabulary.bosID { output.append(bos) }
        var cache: [ArraySlice<UInt8>: [Int]] = [:]
        var previousWasSpecial = true
        for fragment in partitioner.partition(bytes, parseSpecial: parseSpecial) {
            switch fragment {
            case .token(let id):
                output.append(id)
                previousWasSpecial = true
            case .text(let range):
                if let bytePairEncoder {
                    bytePairEncoder.encode(bytes[range], into: &output, cache: &cache)
                } else if let sentencePieceEncoder {
                    sentencePieceEncoder.encode(
                        bytes[range], addSpacePrefix: vocabulary.addSpacePrefix && previousWasSpecial, into: &output)
                }
                previousWasSpecial = false
            }
        }
        if addSpecial && vocabulary.addEOS, let eos = vocabulary.eosID { output.append(eos) }
        return output
    }

    /// The bytes a token stands for (llama.cpp `llama_token_to_piece` with `lstrip = 0`).
    /// - Parameters:
    ///   - id: A token id; ids outside the vocabulary give no bytes.
    ///   - special: Render control and unknown tokens as their text; otherwise they give no bytes.
    public func piece(for id: Int, special: Bool = true) -> [UInt8] {
        guard vocabulary.tokens.indices.contains(id) else { return [] }
        let text = vocabulary.tokens[id]
        switch vocabulary.tokenTypes[id] {
        case .control, .unknown: return special ? Array(text.utf8) : []
        case .userDefined: return Array(text.utf8)
        case .normal:
            switch vocabulary.model {
            case .bytePairEncoding: return ByteLevelAlphabet.decode(text)
            case .sentencePiece: return Self.unescapeWhitespace(text)
            }
        case .byte:
            return sentencePieceEncoder.flatMap { $0.byteTokenIDs.firstIndex(of: id).map { [UInt8($0)] } } ?? []
        case .unused, .undefined: return []
        }
    }

    /// Detokenizes `ids` into bytes (llama.cpp `llama_detokenize` with `remove_special = false`).
    /// - Parameters:
    ///   - ids: Token ids.
    ///   - unparseSpecial: Render control tokens as their text.
    public func decodeBytes(_ ids: [Int], unparseSpecial: Bool = false) -> [UInt8] {
        var bytes: [UInt8] = []
        for (index, id) in ids.enumerated() {
            var piece = piece(for: id, special: unparseSpecial)
            if index == 0 && vocabulary.addSpacePrefix && vocabulary.model == .sentencePiece && piece.first == 0x20 {
                piece.removeFirst()
            }
            bytes.append(contentsOf: piece)
        }
        return bytes
    }

    /// Detokenizes `ids` into a string; invalid UTF-8 becomes U+FFFD.
    /// - Parameters:
    ///   - ids: Token ids.
    ///   - unparseSpecial: Render control tokens as their text.
    public func decode(_ ids: [Int], unparseSpecial: Bool = false) -> String {
        String(decoding: decodeBytes(ids, unparseSpecial: unparseSpecial), as: UTF8.self)
    }

    /// Replaces each U+2581 (`▁`) with a space, scalar by scalar (not by `Character`, which could fuse `▁` with
    /// a following combining mark).
    private static func unescapeWhitespace(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            if scalar == "\u{2581}" { bytes.append(0x20) } else { bytes.append(contentsOf: String(scalar).utf8) }
        }
        return bytes
    }

    /// Whether `id` ends generation.
    public func isEndOfGeneration(_ id: Int) -> Bool { vocabulary.isEndOfGeneration(id) }
}
