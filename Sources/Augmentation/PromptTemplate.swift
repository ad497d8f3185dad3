/// A versioned augmentation prompt: how a document is turned into the request for an expert's thinking.
///
/// Two templates exist. ``tptDefault`` is the prompt of *Thinking Augmented Pre-Training* (arXiv 2509.20186):
///
/// ```
/// <document>
///
/// ## End of the context
///
/// Simulate an expert's in-depth thought process as they analyze the above context, focusing on complex and
/// informative aspects. Skip trivial details. Use Feynman technique whenever possible to ensure a deep
/// understanding.
/// ```
///
/// ``randomFocus`` inserts ``focusMarker`` at a seed-chosen position of the document and asks the expert to focus
/// there. A template's text never changes under the same `id` and `version`; change the version instead.
///
/// Version 2 of both (the default) keeps the user turn of version 1 and opens the assistant turn inside the
/// thinking block (`<think>\n` after the generation prompt) when the generator has no native thinking mode, so an
/// instruct model writes the thinking itself instead of a chat answer about it, and can end it with `</think>`.
/// Version 1 is the paper's exact prompt, kept as the documented baseline.
public struct PromptTemplate: Sendable, Hashable, Codable {
    /// Which prompt layout a template uses.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// Document, end-of-context line, the paper's instruction.
        case whole
        /// Document with ``PromptTemplate/focusMarker`` inserted, end-of-context line, a focusing instruction.
        case randomFocus
    }

    /// Stable name, recorded with every sample (`tpt-default`, `random-focus`).
    public var id: String
    /// Bumped whenever the rendered text would change.
    public var version: Int
    /// The layout.
    public var kind: Kind
    /// Whether the assistant turn opens inside the thinking block (``openThinkingTag``) for generators without a
    /// native thinking mode.
    public var opensThinkingBlock: Bool

    /// Creates a template.
    public init(id: String, version: Int, kind: Kind, opensThinkingBlock: Bool = false) {
        self.id = id
        self.version = version
        self.kind = kind
        self.opensThinkingBlock = opensThinkingBlock
    }

    /// The default template: the paper's prompt, assistant turn opened inside the thinking block (version 2).
    public static let tptDefault = PromptTemplate(id: "tpt-default", version: 2, kind: .whole, opensThinkingBlock: true)
    /// The paper's prompt exactly, as the paper rendered it (version 1): the documented baseline.
    public static let tptDefaultVersion1 = PromptTemplate(id: "tpt-default", version: 1, kind: .whole)
    /// The random-focus template, assistant turn opened inside the thinking block (version 2).
    public static let randomFocus = PromptTemplate(
        id: "random-focus", version: 2, kind: .randomFocus, opensThinkingBlock: true)
    /// The random-focus template, version 1.
    public static let randomFocusVersion1 = PromptTemplate(id: "random-focus", version: 1, kind: .randomFocus)

    /// Every template, by `id` and `version`.
    public static let all: [PromptTemplate] = [tptDefault, tptDefaultVersion1, randomFocus, randomFocusVersion1]

    /// The template with this `id`, at `version` or, without one, at its newest version.
    ///
    /// - Throws: `AugmentationError.invalidPolicy` naming the id and version and listing the known ones.
    public static func named(_ id: String, version: Int? = nil) throws -> PromptTemplate {
        let matching = all.filter { $0.id == id && (version == nil || $0.version == version) }
        guard let template = matching.max(by: { $0.version < $1.version }) else {
            let known = all.map { "\($0.id) v\($0.version)" }.joined(separator: ", ")
            throw AugmentationError(
                .invalidPolicy,
                "prompt template '\(id)'\(version.map { " version \($0)" } ?? ""): unknown; known: \(known)")
        }
        return template
    }

    /// The text that opens the thinking block at the start of the assistant turn.
    public static let openThinkingTag = "<think>\n"

    /// The marker inserted into the document by ``randomFocus``.
    public static let focusMarker = "<<<READING HERE>>>"
    /// The line that closes the document in every template.
    public static let endOfContextLine = "## End of the context"
    /// The paper's instruction, verbatim.
    public static let tptInstruction =
        "Simulate an expert's in-depth thought process as they analyze the above context, focusing on complex and "
        + "informative aspects. Skip trivial details. Use Feynman technique whenever possible to ensure a deep "
        + "understanding."
    /// The random-focus instruction (version 1).
    public static let randomFocusInstruction =
        "Simulate an expert's in-depth thought process as they analyze the above context, focusing on the text "
        + "right after the \(focusMarker) marker and on its complex and informative aspects. Skip trivial details. "
        + "Use Feynman technique whenever possible to ensure a deep understanding."

    /// The user-turn text for a document that is already truncated (and, for random focus, already marked).
    func userMessage(document: String) -> String {
        let instruction = kind == .whole ? Self.tptInstruction : Self.randomFocusInstruction
        return "\(document)\n\n\(Self.endOfContextLine)\n\n\(instruction)"
    }
}
