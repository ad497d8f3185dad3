/// An error that tells whether the generator itself is unavailable (down, unreachable, overloaded) rather than the
/// request being one it cannot serve.
///
/// An outage is nobody's document's fault: callers wait it out and retry. Any other error belongs to the request and
/// fails it deterministically (a prompt beyond the context, a request the server refuses).
public protocol GeneratorOutageReporting: Error {
    /// Whether retrying the same request later may succeed because the backend comes back.
    var isGeneratorOutage: Bool { get }
}

/// Classifies backend errors as outages or request failures.
public enum GeneratorOutage {
    /// Whether `error` reports the generator unavailable; errors that do not say are request failures.
    public static func isOutage(_ error: any Error) -> Bool {
        (error as? any GeneratorOutageReporting)?.isGeneratorOutage ?? false
    }
}
