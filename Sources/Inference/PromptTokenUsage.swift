/// How a scheduler's prompt tokens were processed: run through the model, or copied from a sequence with the same
/// prompt prefix (``InferenceConfiguration/sharesPromptPrefixes``).
public struct PromptTokenUsage: Sendable, Equatable {
    /// Prompt tokens run through the forward pass.
    public var prefilled = 0
    /// Prompt tokens whose keys and values were copied from another sequence's cache.
    public var shared = 0

    public init(prefilled: Int = 0, shared: Int = 0) {
        self.prefilled = prefilled
        self.shared = shared
    }
}
