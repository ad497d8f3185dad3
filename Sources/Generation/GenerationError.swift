/// A generation request's own values are out of range, before any backend sees them. The contract has this one
/// failure, so the error is the field and the message (field, value, allowed range) rather than the code/cause shape
/// of the modules that do I/O; backends wrap it in their own error (`InferenceError.invalidRequest`, a 400 in serve).
public struct GenerationError: Error, CustomStringConvertible, Sendable {
    /// The field, e.g. `sampling.topP`.
    public var field: String
    /// The field, its value and the allowed range.
    public var message: String

    /// Creates an error for `field`.
    public init(field: String, _ message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "GenerationError(\(field)): \(message)" }
}
