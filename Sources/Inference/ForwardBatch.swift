/// The tokens of one forward pass: runs of consecutive tokens, each run appended to one sequence's KV cache.
struct ForwardBatch {
    /// One sequence's run of tokens in the batch.
    struct Segment {
        let cache: KVCache
        /// Rows of the batch, in position order.
        let rows: Range<Int>
        /// The position of the first row (the cache's count before the pass).
        let startPosition: Int
        /// Whether these rows take the prefill arithmetic (F32 projections and attention) rather than the
        /// decode arithmetic (8-bit activations, ggml's one-row attention).
        let isLongPrefill: Bool
    }

    /// Prompts of at least this many tokens are prefilled with the F32 arithmetic. Deciding by the prompt, not
    /// by the rows of one pass, makes a sequence's numbers independent of how the scheduler chunks its prompt and
    /// of what else is in the batch, so a seed reproduces the same text.
    static let longPrefillMinimumTokens = 32

    private(set) var tokens: [Int] = []  // [T]
    private(set) var positions: [Int] = []  // [T]
    private(set) var segments: [Segment] = []
    /// Rows whose logits the caller wants, ascending.
    private(set) var outputRows: [Int] = []

    var isEmpty: Bool { tokens.isEmpty }

    /// Appends `tokens` for `cache` at its next positions; `outputs` are offsets into `tokens` that need logits.
    /// `promptLength` is the whole prompt's length when the tokens are part of a prompt (nil: decoding).
    mutating func append(_ newTokens: ArraySlice<Int>, cache: KVCache, outputs: some Sequence<Int>, promptLength: Int?)
    {
        let start = tokens.count
        let startPosition = cache.count + pendingCount(for: cache)
        precondition(startPosition + newTokens.count <= cache.capacity, "ForwardBatch: KV cache capacity exceeded")
        tokens.append(contentsOf: newTokens)
        positions.append(contentsOf: startPosition..<(startPosition + newTokens.count))
        let isLongPrefill = (promptLength ?? 0) >= Self.longPrefillMinimumTokens
        segments.append(
            Segment(
                cache: cache, rows: start..<tokens.count, startPosition: startPosition, isLongPrefill: isLongPrefill))
        outputRows.append(contentsOf: outputs.map { start + $0 })
    }

    /// The batch's rows in runs that a projection multiplies the same way: rows of long prompts in F32, the
    /// others (decoding sequences, short prompts) with quantized activations.
    var projectionRuns: [ProjectionRun] {
        var runs: [ProjectionRun] = []
        for segment in segments {
            let inFloat = segment.isLongPrefill
            if let last = runs.last, last.inFloat == inFloat, last.rows.upperBound == segment.rows.lowerBound {
                runs[runs.count - 1] = ProjectionRun(
                    rows: last.rows.lowerBound..<segment.rows.upperBound, inFloat: inFloat)
            } else {
                runs.append(ProjectionRun(rows: segment.rows, inFloat: inFloat))
            }
        }
        return runs
    }

    private func pendingCount(for cache: KVCache) -> Int {
        segments.reduce(0) { $0 + ($1.cache === cache ? $1.rows.count : 0) }
    }
}

/// Consecutive batch rows that a projection multiplies one way: in F32 (dequantized weights, sgemm) or with
/// quantized activations.
struct ProjectionRun: Equatable {
    let rows: Range<Int>
    let inFloat: Bool
}
