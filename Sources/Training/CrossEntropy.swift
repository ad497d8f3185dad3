// Softmax cross-entropy over the vocabulary, fused with its gradient (llm.c style).
// Legend: N = B*T positions, V = vocab, p = softmax(logits).
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Tensors

/// Mean next-token cross-entropy and its gradient with respect to the logits.
public enum CrossEntropy {
    /// Turns `logits` into probabilities in place and returns the summed loss `sum_n -log p[n, targets[n]]`.
    ///
    /// - Parameters:
    ///   - logits: logits in, probabilities out. // [N, V]
    ///   - targets: target ids in `0..<V`. // [N]
    ///   - N: positions.
    ///   - V: vocabulary.
    /// - Returns: the sum (not the mean) of the per-position losses, in `Double`.
    public static func forward(
        logits: UnsafeMutablePointer<Float>, targets: UnsafePointer<Int32>, N: Int, V: Int
    ) -> Double {
        positionLosses(logits: logits, targets: targets, N: N, V: V).reduce(0, +)
    }

    /// Turns `logits` into probabilities in place and returns each position's loss `-log p[n, targets[n]]`.
    ///
    /// - Parameters:
    ///   - logits: logits in, probabilities out. // [N, V]
    ///   - targets: target ids in `0..<V`. // [N]
    ///   - N: positions.
    ///   - V: vocabulary.
    /// - Returns: the per-position losses. // [N]
    public static func positionLosses(
        logits: UnsafeMutablePointer<Float>, targets: UnsafePointer<Int32>, N: Int, V: Int
    ) -> [Double] {
        var losses = [Double](repeating: 0, count: N)  // [N]
        losses.withUnsafeMutableBufferPointer { lossBuffer in
            ParallelLoop.forEach(iterations: N, threads: N * V >= 1 << 14 ? 2 : 1) { n in
                let row = logits + n * V
                var maxLogit = -Float.infinity
                for v in 0..<V { maxLogit = max(maxLogit, row[v]) }
                let target = Int(targets[n])
                let shiftedTarget = Double(row[target] - maxLogit)
                var sum = 0.0
                for v in 0..<V {
                    let e = expf(row[v] - maxLogit)
                    row[v] = e
                    sum += Double(e)
                }
                lossBuffer[n] = log(sum) - shiftedTarget
                let inverse = Float(1 / sum)
                for v in 0..<V { row[v] *= inverse }
            }
        }
        return losses
    }

    /// Turns probabilities into `dlogits = scale * (p - onehot(target))` in place.
    ///
    /// - Parameters:
    ///   - probabilities: `p` in, the logits gradient out (overwritten, not accumulated). // [N, V]
    ///   - targets: target ids. // [N]
    ///   - N: positions.
    ///   - V: vocabulary.
    ///   - scale: `dLoss/dSummedLoss`, e.g. `1/N` for the mean.
    ///   - weights: per-position multipliers of `scale` (loss weights), or `nil` for all ones. // [N]
    public static func backward(
        probabilities: UnsafeMutablePointer<Float>, targets: UnsafePointer<Int32>, N: Int, V: Int, scale: Float,
        weights: UnsafePointer<Float>? = nil
    ) {
        ParallelLoop.forEach(iterations: N, threads: N * V >= 1 << 14 ? 2 : 1) { n in
            let row = probabilities + n * V
            row[Int(targets[n])] -= 1
            let rowScale = scale * (weights?[n] ?? 1)
            for v in 0..<V { row[v] *= rowScale }
        }
    }
}
