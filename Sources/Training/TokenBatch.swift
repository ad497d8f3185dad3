// A B x T batch of next-token training examples.
// Legend: B = rows, T = positions per row.

/// Input token ids and their next-token targets, row-major `[B, T]`.
public struct TokenBatch: Sendable, Equatable {
    /// Rows.
    public let B: Int
    /// Positions per row.
    public let T: Int
    /// Token ids the model reads. // [B, T]
    public let inputs: [Int32]
    /// Token ids the model should predict at each position. // [B, T]
    public let targets: [Int32]

    /// Creates a batch from explicit inputs and targets.
    ///
    /// - Parameters:
    ///   - B: rows.
    ///   - T: positions per row.
    ///   - inputs: `[B, T]` ids.
    ///   - targets: `[B, T]` ids.
    public init(B: Int, T: Int, inputs: [Int32], targets: [Int32]) {
        precondition(B > 0 && T > 0, "TokenBatch needs B, T > 0, got \(B), \(T)")
        precondition(inputs.count == B * T && targets.count == B * T, "TokenBatch needs B*T = \(B * T) ids")
        self.B = B
        self.T = T
        self.inputs = inputs
        self.targets = targets
    }

    /// Creates a batch from `B` rows of `T + 1` ids: the model reads `row[..<T]` and predicts `row[1...]`.
    ///
    /// - Parameters:
    ///   - rows: equal-length rows of at least two ids.
    public init(rows: [[Int]]) {
        precondition(!rows.isEmpty && rows[0].count >= 2, "TokenBatch rows need at least two ids")
        let T = rows[0].count - 1
        precondition(rows.allSatisfy { $0.count == T + 1 }, "TokenBatch rows must all have \(T + 1) ids")
        self.init(
            B: rows.count, T: T,
            inputs: rows.flatMap { $0.dropLast().map { Int32($0) } },
            targets: rows.flatMap { $0.dropFirst().map { Int32($0) } })
    }
}
