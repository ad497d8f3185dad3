import Shards

extension ShardSample {
    /// The sample cut to its document span, for `train --document-only` (the vanilla arm of an A/B): `text` is the
    /// document text, `tokenIDs` the tokens of ``documentSpan`` (run ``SampleRetokenizer`` first to have them in the
    /// trainer's tokenizer), the document span covers everything and the thinking span is empty at the end. The
    /// thinking, its `<think>` separators and any template text are dropped; ids, level and provenance are kept.
    ///
    /// - Throws: `PipelineError` `.badRecord` naming the sample when its document span lies outside its text or
    ///   tokens, or cuts a multi-byte character.
    public func documentOnly() throws -> ShardSample {
        let bytes = Array(text.utf8)
        let (byteStart, byteEnd) = (documentSpan.byteStart, documentSpan.byteEnd)
        let (tokenStart, tokenEnd) = (documentSpan.tokenStart, documentSpan.tokenEnd)
        // A byte 0b10xxxxxx continues a character; a cut before it would split the character.
        func onCharacter(_ index: Int) -> Bool { index == bytes.count || bytes[index] & 0xC0 != 0x80 }
        guard 0 <= byteStart, byteStart <= byteEnd, byteEnd <= bytes.count, onCharacter(byteStart),
            onCharacter(byteEnd),
            0 <= tokenStart, tokenStart <= tokenEnd, tokenEnd <= tokenIDs.count
        else {
            throw PipelineError(
                .badRecord,
                "sample \(sampleID.prefix(12)): document span bytes \(byteStart)..<\(byteEnd), tokens \(tokenStart)..<\(tokenEnd) "
                    + "is outside its \(bytes.count)-byte text or \(tokenIDs.count) tokens, or cuts a character; "
                    + "it cannot be trained document-only; regenerate the shard with `thinkstream augment`")
        }
        var result = self
        result.text = String(decoding: bytes[byteStart..<byteEnd], as: UTF8.self)
        result.tokenIDs = Array(tokenIDs[tokenStart..<tokenEnd])
        let (documentBytes, documentTokens) = (byteEnd - byteStart, tokenEnd - tokenStart)
        result.documentSpan = Span(byteStart: 0, byteEnd: documentBytes, tokenStart: 0, tokenEnd: documentTokens)
        result.thinkingSpan = Span(
            byteStart: documentBytes, byteEnd: documentBytes, tokenStart: documentTokens, tokenEnd: documentTokens)
        return result
    }
}
