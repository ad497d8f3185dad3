// SwiGLU gating (Shazeer 2020): out = silu(gate) * up, silu(g) = g * sigmoid(g).
// Legend: count = N*F elements, s = sigmoid(gate).
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The elementwise gate of the llama feed-forward block.
public enum SwiGLU {
    /// `out = silu(gate) * up`.
    ///
    /// - Parameters:
    ///   - out: the result. // [N, F]
    ///   - gate: gate projection. // [N, F]
    ///   - up: up projection. // [N, F]
    ///   - count: elements (N*F).
    public static func forward(
        out: UnsafeMutablePointer<Float>, gate: UnsafePointer<Float>, up: UnsafePointer<Float>, count: Int
    ) {
        for i in 0..<count {
            let g = gate[i]
            out[i] = g / (1 + expf(-g)) * up[i]
        }
    }

    /// Accumulates `dgate += dout * up * s * (1 + g * (1 - s))` and `dup += dout * silu(g)`.
    ///
    /// - Parameters:
    ///   - dgate: gate gradient, accumulated. // [N, F]
    ///   - dup: up gradient, accumulated. // [N, F]
    ///   - dout: output gradient. // [N, F]
    ///   - gate: forward gate input. // [N, F]
    ///   - up: forward up input. // [N, F]
    ///   - count: elements (N*F).
    public static func backward(
        dgate: UnsafeMutablePointer<Float>, dup: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>,
        gate: UnsafePointer<Float>, up: UnsafePointer<Float>, count: Int
    ) {
        for i in 0..<count {
            let g = gate[i]
            let s = 1 / (1 + expf(-g))
            dgate[i] += dout[i] * up[i] * s * (1 + g * (1 - s))
            dup[i] += dout[i] * g * s
        }
    }
}
