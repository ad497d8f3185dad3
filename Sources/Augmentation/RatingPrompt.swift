import Foundation
import Shards
import Tokenization

/// The short prompt that asks the generator to rate a document's reasoning depth, and the label tokens read at
/// its answer position.
struct RatingPrompt: Sendable {
    /// Rating prompt version; bump it (and refit the weights) whenever the text changes.
    static let version = 1

    /// The label token ids per level: the first token of each label spelled `none`, `None`, ` none`, ` None`.
    /// An id shared by two levels stays with the lower level.
    let labelTokenIDs: [ReasoningLevel: [Int]]
    private let tokenizer: Tokenizer
    private let chatTemplate: ChatTemplate

    init(tokenizer: Tokenizer, chatTemplate: ChatTemplate) {
        self.tokenizer = tokenizer
        self.chatTemplate = chatTemplate
        var seen: Set<Int> = []
        var ids: [ReasoningLevel: [Int]] = [:]
        for level in ReasoningLevel.allCases {
            let word = level.rawValue
            let capitalized = word.prefix(1).uppercased() + word.dropFirst()
            var levelIDs: [Int] = []
            for spelling in [word, capitalized, " " + word, " " + capitalized] {
                guard let first = tokenizer.encode(spelling, addSpecial: false, parseSpecial: false).first,
                    !seen.contains(first)
                else { continue }
                seen.insert(first)
                levelIDs.append(first)
            }
            ids[level] = levelIDs
        }
        labelTokenIDs = ids
    }

    /// The prompt's tokens for a (scoring-truncated) document, special tokens added and parsed.
    func tokens(document: String) -> [Int] {
        let question =
            "How much reasoning does a reader need to understand the text below?\n"
            + "none: plain facts or narrative; basic: simple arithmetic or one inference step; "
            + "intermediate: multi-step reasoning or routine mathematics; "
            + "advanced: long proofs, competition or research mathematics.\n\n"
            + "<text>\n\(document)\n</text>\n\n"
            + "Answer with one word: none, basic, intermediate or advanced."
        let text = chatTemplate.render([ChatMessage(role: "user", content: question)], addGenerationPrompt: true)
        return tokenizer.encode(text, addSpecial: true, parseSpecial: true)
    }

    /// Every label token id, level by level.
    var allLabelTokenIDs: [Int] { ReasoningLevel.allCases.flatMap { labelTokenIDs[$0] ?? [] } }

    /// Label probabilities from the label tokens' log-probabilities at the answer position: per level the summed
    /// probability of its label tokens, then normalized over the four levels. A missing id counts as 0.
    func probabilities(labelLogProbabilities: [Int: Float]) -> (normalized: [ReasoningLevel: Double], mass: Double) {
        var raw: [ReasoningLevel: Double] = [:]
        for (level, ids) in labelTokenIDs {
            raw[level] = ids.reduce(0) { $0 + exp(Double(labelLogProbabilities[$1] ?? -.infinity)) }
        }
        let mass = raw.values.reduce(0, +)
        var normalized: [ReasoningLevel: Double] = [:]
        for level in ReasoningLevel.allCases {
            normalized[level] = mass > 0 ? (raw[level] ?? 0) / mass : 0.25
        }
        return (normalized, mass)
    }
}
