// Re-tokenization of shard samples for `train --retokenize`: a sample's `tokenIDs` are in the generator's tokenizer,
// but its `text` and byte spans are tokenizer-free, so the trainer can recompute ids and token spans in its own.
import ModelConversion
import Shards

/// Recomputes a sample's ``ShardSample/tokenIDs`` and token spans from its ``ShardSample/text`` with the trainer's
/// tokenizer, exactly as `SampleComposer` tokenizes: the text is cut at its byte spans into the part before the
/// document (empty in format 1), the document, the opening separator, the thinking and the closing separator, and
/// each non-empty part is tokenized on its own without special tokens. Span boundaries are therefore token
/// boundaries, and re-tokenizing with the generator's own tokenizer gives back the sample unchanged.
public struct SampleRetokenizer: Sendable {
    /// The tokenizer the new ids are in.
    public let tokenizer: TrainTokenizer

    /// - Parameter tokenizer: the trainer's tokenizer (the byte tokenizer for fresh models).
    public init(tokenizer: TrainTokenizer) {
        self.tokenizer = tokenizer
    }

    /// The sample with ids and token spans in ``tokenizer``; text, byte spans and everything else unchanged.
    ///
    /// - Parameter sample: a sample whose document span precedes its thinking span, both inside the text and on
    ///   UTF-8 character boundaries.
    /// - Throws: `PipelineError` `.badRecord` naming the sample and its spans when they are out of order, outside the
    ///   text or inside a multi-byte character.
    public func retokenize(_ sample: ShardSample) throws -> ShardSample {
        let bytes = Array(sample.text.utf8)
        let bounds = [
            0, sample.documentSpan.byteStart, sample.documentSpan.byteEnd, sample.thinkingSpan.byteStart,
            sample.thinkingSpan.byteEnd, bytes.count,
        ]
        try Self.validate(bounds: bounds, bytes: bytes, sample: sample)
        var tokens: [Int] = []
        var tokenBounds = [0]  // tokens before each of `bounds`
        for part in 0..<(bounds.count - 1) {
            if bounds[part] < bounds[part + 1] {
                tokens += tokenizer.encode(String(decoding: bytes[bounds[part]..<bounds[part + 1]], as: UTF8.self))
            }
            tokenBounds.append(tokens.count)
        }
        var result = sample
        result.tokenIDs = tokens
        result.documentSpan.tokenStart = tokenBounds[1]
        result.documentSpan.tokenEnd = tokenBounds[2]
        result.thinkingSpan.tokenStart = tokenBounds[3]
        result.thinkingSpan.tokenEnd = tokenBounds[4]
        return result
    }

    /// Checks `bounds` (0, document start/end, thinking start/end, text length) are ordered and on character
    /// boundaries.
    private static func validate(bounds: [Int], bytes: [UInt8], sample: ShardSample) throws {
        let ordered = zip(bounds, bounds.dropFirst()).allSatisfy { $0 <= $1 }
        // A byte 0b10xxxxxx continues a character; a cut before it would split the character between two parts.
        let onCharacters = ordered && bounds.allSatisfy { $0 == bytes.count || bytes[$0] & 0xC0 != 0x80 }
        guard ordered, onCharacters else {
            throw PipelineError(
                .badRecord,
                "sample \(sample.sampleID.prefix(12)): byte spans document \(sample.documentSpan.byteStart)..<\(sample.documentSpan.byteEnd), "
                    + "thinking \(sample.thinkingSpan.byteStart)..<\(sample.thinkingSpan.byteEnd) of a \(bytes.count)-byte text are "
                    + (ordered ? "inside a multi-byte character" : "out of order or outside the text")
                    + "; it cannot be re-tokenized; regenerate the shard with `thinkstream augment`")
        }
    }
}
