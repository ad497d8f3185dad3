extension GGMLReference {
    /// ggml `ggml_vec_dot_q4_K_q8_K` (generic): per 32-element sub-block `scale * sum(q4 * q8)` in eight int32 lanes,
    /// scaled by `d_x * d_y` into eight float lanes; the minimums come off through the Q8_K `bsums`.
    public static func vecDotQ4_KQ8_KReference(count n: Int, _ x: UnsafeRawPointer, _ y: UnsafeRawPointer) -> Float {
        checkCount(n, .q4_K)
        return vecDotK4K5(count: n, x, y, blockBytes: 144, qsOffset: 16, qhOffset: nil)
    }

    /// ggml `ggml_vec_dot_q5_K_q8_K` (generic): as q4_K with a fifth bit per weight.
    public static func vecDotQ5_KQ8_KReference(count n: Int, _ x: UnsafeRawPointer, _ y: UnsafeRawPointer) -> Float {
        checkCount(n, .q5_K)
        return vecDotK4K5(count: n, x, y, blockBytes: 176, qsOffset: 48, qhOffset: 16)
    }

    /// The shared body of the q4_K and q5_K dot products.
    private static func vecDotK4K5(
        count n: Int, _ x: UnsafeRawPointer, _ y: UnsafeRawPointer, blockBytes: Int, qsOffset: Int, qhOffset: Int?
    ) -> Float {
        var sums = [Float](repeating: 0, count: 8)  // [lane]
        var weights = [Int32](repeating: 0, count: 256)  // [element]
        var sumf: Float = 0
        for i in 0..<n / 256 {
            let bx = x + i * blockBytes
            let by = y + i * 292
            for group in 0..<4 {
                for l in 0..<32 {
                    let packed = byte(bx, qsOffset + 32 * group + l)
                    var low = Int32(packed & 0xF)
                    var high = Int32(packed >> 4)
                    if let qhOffset {
                        let bits = byte(bx, qhOffset + l)
                        if bits & (1 << (2 * group)) != 0 { low += 16 }
                        if bits & (2 << (2 * group)) != 0 { high += 16 }
                    }
                    weights[64 * group + l] = low
                    weights[64 * group + 32 + l] = high
                }
            }
            var minSum: Int32 = 0
            for j in 0..<16 {
                let bsum = Int32(by.loadUnaligned(fromByteOffset: 260 + 2 * j, as: Int16.self))
                minSum += bsum * Int32(scaleMinK4(j / 2, bx + 4).min)
            }
            var lanes = [Int32](repeating: 0, count: 8)  // [lane]
            for subBlock in 0..<8 {
                let scale = Int32(scaleMinK4(subBlock, bx + 4).scale)
                for j in 0..<32 {
                    let element = 32 * subBlock + j
                    lanes[j % 8] += scale * (weights[element] * Int32(signedByte(by, 4 + element)))
                }
            }
            let dy = by.loadUnaligned(fromByteOffset: 0, as: Float.self)
            let d = half(bx, 0) * dy
            for l in 0..<8 { sums[l] += d * Float(lanes[l]) }
            let dmin = half(bx, 2) * dy
            sumf -= dmin * Float(minSum)
        }
        for l in 0..<8 { sumf += sums[l] }
        return sumf
    }

    /// ggml `ggml_vec_dot_q6_K_q8_K` (generic): per 16-element sub-block `scale * sum((q6 - 32) * q8)` in eight
    /// int32 lanes, scaled by `d_x * d_y` into eight float lanes.
    public static func vecDotQ6_KQ8_KReference(count n: Int, _ x: UnsafeRawPointer, _ y: UnsafeRawPointer) -> Float {
        checkCount(n, .q6_K)
        var sums = [Float](repeating: 0, count: 8)  // [lane]
        var weights = [Int32](repeating: 0, count: 256)  // [element]
        for i in 0..<n / 256 {
            let bx = x + i * 210
            let by = y + i * 292
            for half128 in 0..<2 {
                let ql = 64 * half128
                let qh = 128 + 32 * half128
                let out = 128 * half128
                for l in 0..<32 {
                    let low0 = byte(bx, ql + l)
                    let low32 = byte(bx, ql + l + 32)
                    let high = byte(bx, qh + l)
                    weights[out + l] = Int32((low0 & 0xF) | (high & 3) << 4) - 32
                    weights[out + l + 32] = Int32((low32 & 0xF) | ((high >> 2) & 3) << 4) - 32
                    weights[out + l + 64] = Int32((low0 >> 4) | ((high >> 4) & 3) << 4) - 32
                    weights[out + l + 96] = Int32((low32 >> 4) | ((high >> 6) & 3) << 4) - 32
                }
            }
            var lanes = [Int32](repeating: 0, count: 8)  // [lane]
            for element in 0..<256 {
                let scale = Int32(signedByte(bx, 192 + element / 16))
                lanes[element % 8] += scale * (weights[element] * Int32(signedByte(by, 4 + element)))
            }
            let d = half(bx, 208) * by.loadUnaligned(fromByteOffset: 0, as: Float.self)
            for l in 0..<8 { sums[l] += d * Float(lanes[l]) }
        }
        var sumf: Float = 0
        for l in 0..<8 { sumf += sums[l] }
        return sumf
    }
}
