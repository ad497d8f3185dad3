import Foundation
import Generation

/// One training sample in a shard: a document followed by one thinking trajectory, with everything a trainer or an
/// auditor needs to know about how it was made. Encoded as one JSON line (snake_case keys).
public struct ShardSample: Codable, Sendable, Equatable {
    /// A half-open range of UTF-8 bytes and of trainer tokens.
    public struct Span: Codable, Sendable, Equatable {
        public var byteStart: Int
        public var byteEnd: Int
        public var tokenStart: Int
        public var tokenEnd: Int
        public init(byteStart: Int, byteEnd: Int, tokenStart: Int, tokenEnd: Int) {
            self.byteStart = byteStart
            self.byteEnd = byteEnd
            self.tokenStart = tokenStart
            self.tokenEnd = tokenEnd
        }
    }

    /// Where the raw document came from.
    public struct Source: Codable, Sendable, Equatable, Hashable {
        public var topic: String
        public var partition: Int32
        public var offset: Int64
        public init(topic: String, partition: Int32, offset: Int64) {
            self.topic = topic
            self.partition = partition
            self.offset = offset
        }
    }

    /// Content-derived: the same document, template, trajectory and seed always give the same id.
    public var sampleID: String
    public var documentID: String
    public var source: Source
    /// `document + "\n\n<think>\n" + thinking + "\n</think>\n"` (format version 1).
    public var text: String
    /// `text` in the trainer's tokenizer.
    public var tokenIDs: [Int]
    public var documentSpan: Span
    public var thinkingSpan: Span
    /// Difficulty score in [0, 1] and reasoning level (none, basic, intermediate, advanced).
    public var difficultyScore: Double
    public var level: ReasoningLevel
    public var trajectoryIndex: Int
    public var seed: UInt64
    public var templateID: String
    public var templateVersion: Int
    /// Generated thinking tokens (generator tokenizer) and why generation stopped (stop, eog, length; its raw value on the wire).
    public var thinkingTokenCount: Int
    public var finishReason: FinishReason
    /// Whether the thinking hit the token cap and was kept and closed under the `keepAndClose` policy.
    public var capHit: Bool
    /// Generation attempts made before this trajectory passed the quality gates.
    public var attempts: Int
    /// Character offset of the random-focus marker, for the random-focus template.
    public var focusCharacterOffset: Int?
    public var formatVersion: Int

    public init(
        sampleID: String, documentID: String, source: Source, text: String, tokenIDs: [Int], documentSpan: Span,
        thinkingSpan: Span, difficultyScore: Double, level: ReasoningLevel, trajectoryIndex: Int, seed: UInt64,
        templateID: String, templateVersion: Int, thinkingTokenCount: Int, finishReason: FinishReason, capHit: Bool,
        attempts: Int, focusCharacterOffset: Int?, formatVersion: Int = 1
    ) {
        self.sampleID = sampleID
        self.documentID = documentID
        self.source = source
        self.text = text
        self.tokenIDs = tokenIDs
        self.documentSpan = documentSpan
        self.thinkingSpan = thinkingSpan
        self.difficultyScore = difficultyScore
        self.level = level
        self.trajectoryIndex = trajectoryIndex
        self.seed = seed
        self.templateID = templateID
        self.templateVersion = templateVersion
        self.thinkingTokenCount = thinkingTokenCount
        self.finishReason = finishReason
        self.capHit = capHit
        self.attempts = attempts
        self.focusCharacterOffset = focusCharacterOffset
        self.formatVersion = formatVersion
    }
}
