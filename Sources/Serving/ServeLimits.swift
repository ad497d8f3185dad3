/// What `thinkstream serve` admits, so a flood of clients or a slow one cannot exhaust it.
public struct ServeLimits: Sendable, Equatable {
    /// Completions requests admitted at once (generating, or queued for the engine's batch); one more is answered
    /// 429 with `Retry-After` at once instead of queueing without bound.
    public var maxConcurrentRequests: Int
    /// TCP connections served at once; further ones wait in the listen backlog until one closes.
    public var maxConnections: Int
    /// A connection with nothing read or written for this long is closed (keep-alive leftovers, stalled clients).
    public var idleTimeout: Duration
    /// A request body must arrive within this long after its head, or the request is answered 408 (slow senders).
    public var bodyTimeout: Duration
    /// The `Retry-After` seconds of a 429.
    public var retryAfterSeconds: Int

    public init(
        maxConcurrentRequests: Int = 64, maxConnections: Int = 512, idleTimeout: Duration = .seconds(60),
        bodyTimeout: Duration = .seconds(30), retryAfterSeconds: Int = 1
    ) {
        self.maxConcurrentRequests = maxConcurrentRequests
        self.maxConnections = maxConnections
        self.idleTimeout = idleTimeout
        self.bodyTimeout = bodyTimeout
        self.retryAfterSeconds = retryAfterSeconds
    }
}
