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

    /// Creates a template.
    public init(id: String, version: Int, kind: Kind) {
        self.id = id
        self.version = version
        self.kind = kind
    }

    /// The paper's template, version 1.
    public static let tptDefault = PromptTemplate(id: "tpt-default", version: 1, kind: .whole)
    /// The random-focus template, version 1.
    public static let randomFocus = PromptTemplate(id: "random-focus", version: 1, kind: .randomFocus)

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
