// Token embedding lookup and its scatter-add backward.
// Legend: N = B*T tokens, C = dModel, V = vocab.

/// Row lookup in `token_embd.weight`.
public enum Embedding {
    /// `out[n] = table[tokens[n]]`.
    ///
    /// - Parameters:
    ///   - out: embeddings. // [N, C]
    ///   - tokens: token ids in `0..<V`. // [N]
    ///   - table: the embedding table. // [V, C]
    ///   - N: tokens.
    ///   - C: width.
    public static func forward(
        out: UnsafeMutablePointer<Float>, tokens: UnsafePointer<Int32>, table: UnsafePointer<Float>, N: Int, C: Int
    ) {
        for n in 0..<N {
            (out + n * C).update(from: table + Int(tokens[n]) * C, count: C)
        }
    }

    /// `dtable[tokens[n]] += dout[n]`.
    ///
    /// - Parameters:
    ///   - dtable: table gradient, accumulated. // [V, C]
    ///   - dout: embedding gradient. // [N, C]
    ///   - tokens: token ids. // [N]
    ///   - N: tokens.
    ///   - C: width.
    public static func backward(
        dtable: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>, tokens: UnsafePointer<Int32>, N: Int, C: Int
    ) {
        for n in 0..<N {
            let row = dtable + Int(tokens[n]) * C
            let source = dout + n * C
            for i in 0..<C { row[i] += source[i] }
        }
    }
}
