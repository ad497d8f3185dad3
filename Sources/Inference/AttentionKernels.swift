// The attention kernels' edge: the only Inference file that calls the C attention shims.
// Legend: hd = head width, p = query position, W = sliding window (0: none).
import CThinkStreamShims

/// One head's attention over a sequence's cached keys and values, after ggml-cpu's flash attention.
enum AttentionKernels {
    /// Many query rows (prefill): `out[t] = softmax(scale * q[t]·K^T) V` in F32 over keys
    /// `max(0, p - W + 1)...p` where `p = firstPosition + t`.
    ///
    /// - Parameters:
    ///   - query: row 0's query; row t is `queryStride` floats further.
    ///   - rows: query rows.
    ///   - firstPosition: row 0's position.
    ///   - window: the sliding window, nil for full causal attention.
    ///   - keys, values: the head's F16 cache rows (`hd` values per position).
    ///   - scores: scratch of at least the longest span.
    ///   - out: row 0's output; row t is `outputStride` floats further.
    @inline(__always)
    static func attendRows(
        query: UnsafePointer<Float>, queryStride: Int, rows: Int, firstPosition: Int, window: Int?,
        keys: UnsafePointer<UInt16>, values: UnsafePointer<UInt16>, headDimension hd: Int, scale: Float,
        scores: UnsafeMutablePointer<Float>, out: UnsafeMutablePointer<Float>, outputStride: Int
    ) {
        thinkstream_attend_rows_f32(
            query, Int64(queryStride), Int64(rows), Int64(firstPosition), Int64(window ?? 0), keys, values, Int64(hd),
            scale, scores, out, Int64(outputStride))
    }

    /// One query row (decode), as ggml's one-row kernel with an F16 cache computes it: Q rounded to F16, online
    /// softmax over `positions`, the V accumulator rounded to F16 after every step.
    ///
    /// - Parameters:
    ///   - scratch: at least `hd + 2 * positions.count` floats.
    @inline(__always)
    static func attendRowHalf(
        query: UnsafePointer<Float>, positions: ClosedRange<Int>, keys: UnsafePointer<UInt16>,
        values: UnsafePointer<UInt16>, headDimension hd: Int, scale: Float, scratch: UnsafeMutablePointer<Float>,
        out: UnsafeMutablePointer<Float>
    ) {
        thinkstream_attend_row_half(
            query, Int64(positions.lowerBound), Int64(positions.upperBound), keys, values, Int64(hd), scale, scratch,
            out)
    }
}
