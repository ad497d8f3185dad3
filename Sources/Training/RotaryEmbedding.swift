// Rotary position embedding (Su et al. 2021, RoFormer), llama.cpp "normal" form: each adjacent pair
// (2i, 2i+1) of a head is rotated by angle pos * base^(-2i/headDim).
// Legend: B = batch, T = positions, nHeads = heads in the tensor, headDim = head width, i = pair index.
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Precomputed cos/sin tables for RoPE and the in-place rotation (and its inverse for the backward pass).
public struct RotaryEmbedding: Sendable {
    /// Longest sequence the tables cover.
    public let maxT: Int
    /// Head width.
    public let headDim: Int
    let cosTable: [Float]  // [maxT, headDim/2]
    let sinTable: [Float]  // [maxT, headDim/2]

    /// Builds the tables in `Double` and rounds them to `Float`.
    ///
    /// - Parameters:
    ///   - maxT: positions covered.
    ///   - headDim: head width (even).
    ///   - base: frequency base.
    public init(maxT: Int, headDim: Int, base: Float) {
        precondition(headDim % 2 == 0, "RoPE needs an even headDim, got \(headDim)")
        self.maxT = maxT
        self.headDim = headDim
        let half = headDim / 2
        var cosTable = [Float](repeating: 0, count: maxT * half)
        var sinTable = [Float](repeating: 0, count: maxT * half)
        for t in 0..<maxT {
            for i in 0..<half {
                let theta = Double(t) * pow(Double(base), -2 * Double(i) / Double(headDim))
                cosTable[t * half + i] = Float(cos(theta))
                sinTable[t * half + i] = Float(sin(theta))
            }
        }
        self.cosTable = cosTable
        self.sinTable = sinTable
    }

    /// Rotates every head of `x` in place; `inverse` rotates by the negative angle, which is the backward pass
    /// (the rotation is orthogonal, so `dx = R^T dout`).
    ///
    /// - Parameters:
    ///   - x: queries or keys, rotated in place. // [B, T, nHeads * headDim]
    ///   - B: batch.
    ///   - T: positions (at most `maxT`).
    ///   - nHeads: heads in `x`.
    ///   - inverse: rotate by `-angle`.
    public func apply(_ x: UnsafeMutablePointer<Float>, B: Int, T: Int, nHeads: Int, inverse: Bool = false) {
        precondition(T <= maxT, "RoPE table covers \(maxT) positions, asked for \(T)")
        let half = headDim / 2
        let sign: Float = inverse ? -1 : 1
        cosTable.withUnsafeBufferPointer { cosBuffer in
            sinTable.withUnsafeBufferPointer { sinBuffer in
                for b in 0..<B {
                    for t in 0..<T {
                        let row = x + (b * T + t) * nHeads * headDim
                        for h in 0..<nHeads {
                            let head = row + h * headDim
                            for i in 0..<half {
                                let c = cosBuffer[t * half + i]
                                let s = sign * sinBuffer[t * half + i]
                                let x0 = head[2 * i]
                                let x1 = head[2 * i + 1]
                                head[2 * i] = x0 * c - x1 * s
                                head[2 * i + 1] = x0 * s + x1 * c
                            }
                        }
                    }
                }
            }
        }
    }
}
