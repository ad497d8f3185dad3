import Synchronization

/// Waits out generator outages: a call that fails with an outage (``GeneratorOutage/isOutage(_:)``: connection
/// refused, timeouts, 429, 5xx) is retried with capped exponential backoff until the generator answers, however long
/// that takes. Only cancellation ends the wait. Any other error is the request's own and is rethrown at once.
///
/// One instance is shared by every document in flight, so the outage is reported once when it starts and once when
/// the generator is back (``Event``; the caller logs it), and ``isWaiting`` tells the service that work is stalled on
/// the backend.
public final class GeneratorOutageRetry: Sendable {
    /// The start or the end of an outage.
    public enum Event: Sendable {
        /// The first call failed with an outage: `call` names it, `error` is its error, `nextTry` the first wait.
        case started(call: String, error: any Error, nextTry: Duration)
        /// A call succeeded again after `outage`.
        case ended(outage: Duration)
    }

    /// The first wait after a failure.
    public let initialBackoff: Duration
    /// The longest wait between two tries of one call.
    public let maximumBackoff: Duration
    private let onEvent: (@Sendable (Event) -> Void)?
    private let state = Mutex(State())

    private struct State {
        var outageStarted: ContinuousClock.Instant?
        var waitingCalls = 0
        var outages = 0
        var retries = 0
    }

    /// - Parameters:
    ///   - initialBackoff: the first wait; each further failure of the same call doubles it up to `maximumBackoff`.
    ///   - onEvent: told when each outage starts and ends (augment logs them); nil tells nobody.
    public init(
        initialBackoff: Duration = .milliseconds(500), maximumBackoff: Duration = .seconds(30),
        onEvent: (@Sendable (Event) -> Void)? = nil
    ) {
        precondition(
            initialBackoff > .zero && maximumBackoff >= initialBackoff,
            "backoff must be positive and capped above its start")
        self.initialBackoff = initialBackoff
        self.maximumBackoff = maximumBackoff
        self.onEvent = onEvent
    }

    /// Whether some call is waiting for the generator to come back.
    public var isWaiting: Bool { state.withLock { $0.waitingCalls > 0 } }
    /// Outages seen so far (a run of failures until the next success counts once).
    public var outageCount: Int { state.withLock { $0.outages } }
    /// Calls retried after an outage error.
    public var retryCount: Int { state.withLock { $0.retries } }

    /// Runs `operation`, retrying it while it fails with an outage.
    ///
    /// - Parameter what: names the call in log lines ("difficulty scoring", "thinking generation").
    /// - Throws: the operation's first non-outage error, or `CancellationError` when the task is cancelled while waiting.
    public func run<Result: Sendable>(_ what: String, _ operation: () async throws -> Result) async throws -> Result {
        var backoff = initialBackoff
        while true {
            do {
                let result = try await operation()
                recovered()
                return result
            } catch  where GeneratorOutage.isOutage(error) && !Task.isCancelled {
                failed(what, error, nextTry: backoff)
                defer { state.withLock { $0.waitingCalls -= 1 } }
                // Up to a quarter more, so the calls of many documents do not hit a returning server together.
                let jitter = backoff * Double.random(in: 0...0.25)
                try await Task.sleep(for: backoff + jitter)
                backoff = min(backoff * 2, maximumBackoff)
            }
        }
    }

    private func failed(_ what: String, _ error: any Error, nextTry: Duration) {
        let started = state.withLock { state -> Bool in
            state.waitingCalls += 1
            state.retries += 1
            guard state.outageStarted == nil else { return false }
            state.outageStarted = .now
            state.outages += 1
            return true
        }
        if started { onEvent?(.started(call: what, error: error, nextTry: nextTry)) }
    }

    private func recovered() {
        let outage = state.withLock { state -> Duration? in
            guard let started = state.outageStarted else { return nil }
            state.outageStarted = nil
            return .now - started
        }
        if let outage { onEvent?(.ended(outage: outage)) }
    }
}
