/// One turn of a conversation.
public struct ChatMessage: Sendable, Equatable, Hashable {
    /// `system`, `user`, `assistant` or another role the template passes through.
    public var role: String
    /// The turn's text.
    public var content: String

    /// Creates a message.
    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }
}
