/// At most `limit` holders at once; further callers wait in arrival order. Suspends, never blocks a thread.
actor InFlightLimit {
    private let limit: Int
    private var holders = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []

    /// Creates a limit of `limit` (at least 1) concurrent holders.
    init(_ limit: Int) {
        precondition(limit >= 1, "limit \(limit) must be at least 1")
        self.limit = limit
    }

    /// Runs `body` once a place is free, and frees it afterwards.
    func run<Result: Sendable>(_ body: @Sendable () async throws -> Result) async throws -> Result {
        await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async {
        if holders < limit {
            holders += 1
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    /// Hands the place to the first waiter, or frees it.
    private func release() {
        if waiters.isEmpty {
            holders -= 1
        } else {
            waiters.removeFirst().resume()
        }
    }
}
