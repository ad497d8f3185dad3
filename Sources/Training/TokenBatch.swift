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
    /// Per-target loss weights, or `nil` for all ones; the loss is `sum(w * l) / sum(w)`, so 0 masks a target
    /// (padding) and other values re-weight it (document vs thinking tokens). // [B, T]
    public var targetWeights: [Float]?
    /// Per-position first key position each query may attend to (document-boundary masking), or `nil` for plain
    /// causal attention over the whole row; `segmentStarts[b, t] <= t`. // [B, T]
    public var segmentStarts: [Int32]?

    /// Creates a batch from explicit inputs and targets.
    ///
    /// - Parameters:
    ///   - B: rows.
    ///   - T: positions per row.
    ///   - inputs: `[B, T]` ids.
    ///   - targets: `[B, T]` ids.
    ///   - targetWeights: `[B, T]` loss weights, or `nil` for all ones.
    ///   - segmentStarts: `[B, T]` first attendable position per query, or `nil` for plain causal attention.
    public init(
        B: Int, T: Int, inputs: [Int32], targets: [Int32], targetWeights: [Float]? = nil, segmentStarts: [Int32]? = nil
    ) {
        precondition(B > 0 && T > 0, "TokenBatch needs B, T > 0, got \(B), \(T)")
        precondition(inputs.count == B * T && targets.count == B * T, "TokenBatch needs B*T = \(B * T) ids")
        precondition(targetWeights.map { $0.count == B * T } ?? true, "TokenBatch needs B*T = \(B * T) weights")
        precondition(
            segmentStarts.map { starts in
                starts.count == B * T && starts.indices.allSatisfy { starts[$0] >= 0 && Int(starts[$0]) <= $0 % T }
            }
                ?? true,
            "TokenBatch segmentStarts must have B*T = \(B * T) values with 0 <= start <= t")
        self.B = B
        self.T = T
        self.inputs = inputs
        self.targets = targets
        self.targetWeights = targetWeights
        self.segmentStarts = segmentStarts
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
