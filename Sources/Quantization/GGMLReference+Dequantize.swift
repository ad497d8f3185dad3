// Block layouts (bytes; fp16 = IEEE half, little-endian; 32 elements per legacy block, 256 per K block):
//   q4_0  18: d fp16 | qs[16]            element j = (qs[j] & 0xF) - 8, element j+16 = (qs[j] >> 4) - 8, times d
//   q4_1  20: d fp16 | m fp16 | qs[16]   element = nibble * d + m
//   q5_0  22: d fp16 | qh[4] | qs[16]    bit j of qh (u32) is bit 4 of element j; value - 16, times d
//   q5_1  24: d fp16 | m fp16 | qh[4] | qs[16]
//   q8_0  34: d fp16 | qs[32] int8
//   q8_1  36: d fp16 | s fp16 (= d * sum(qs)) | qs[32] int8
//   q4_K 144: d fp16 | dmin fp16 | scales[12] (8 x 6-bit scale, 8 x 6-bit min) | qs[128]
//   q5_K 176: d fp16 | dmin fp16 | scales[12] | qh[32] | qs[128]
//   q6_K 210: ql[128] | qh[64] | scales[16] int8 | d fp16
//   q8_K 292: d f32 | qs[256] int8 | bsums[16] int16 (sums of 16 consecutive qs)

extension GGMLReference {
    /// Dequantizes one row of `type` into `y`; `y.count` is the element count. Wraps the per-type functions below.
    ///
    /// - Parameters:
    ///   - type: f32, f16, bf16, q4_0, q4_1, q5_0, q5_1, q8_0, q4_K, q5_K or q6_K; others trap.
    ///   - x: the row's blocks (`type.rowSizeBytes(elementCount: y.count)` bytes).
    ///   - y: the destination, a whole number of blocks.
    public static func dequantizeRowReference(
        type: GGMLType, _ x: UnsafeRawPointer, into y: UnsafeMutableBufferPointer<Float>
    ) {
        switch type {
        case .f32: for i in 0..<y.count { y[i] = x.loadUnaligned(fromByteOffset: 4 * i, as: Float.self) }
        case .f16: for i in 0..<y.count { y[i] = half(x, 2 * i) }
        case .bf16:
            for i in 0..<y.count { y[i] = bf16ToFp32Reference(x.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) }
        case .q4_0: dequantizeRowQ4_0Reference(x, into: y)
        case .q4_1: dequantizeRowQ4_1Reference(x, into: y)
        case .q5_0: dequantizeRowQ5_0Reference(x, into: y)
        case .q5_1: dequantizeRowQ5_1Reference(x, into: y)
        case .q8_0: dequantizeRowQ8_0Reference(x, into: y)
        case .q4_K: dequantizeRowQ4_KReference(x, into: y)
        case .q5_K: dequantizeRowQ5_KReference(x, into: y)
        case .q6_K: dequantizeRowQ6_KReference(x, into: y)
        default:
            preconditionFailure(
                "dequantize: type \(type) is not supported; supported: "
                    + "f32, f16, bf16, q4_0, q4_1, q5_0, q5_1, q8_0, q4_K, q5_K, q6_K"
            )
        }
    }

    /// ggml `dequantize_row_q4_0`.
    public static func dequantizeRowQ4_0Reference(_ x: UnsafeRawPointer, into y: UnsafeMutableBufferPointer<Float>) {
        checkCount(y.count, .q4_0)
        for i in 0..<y.count / 32 {
            let block = x + i * 18
            let d = half(block, 0)
            for j in 0..<16 {
                let q = byte(block, 2 + j)
                y[i * 32 + j] = Float(Int(q & 0xF) - 8) * d
                y[i * 32 + j + 16] = Float(Int(q >> 4) - 8) * d
            }
        }
    }

    /// ggml `dequantize_row_q4_1`.
    public static func dequantizeRowQ4_1Reference(_ x: UnsafeRawPointer, into y: UnsafeMutableBufferPointer<Float>) {
        checkCount(y.count, .q4_1)
        for i in 0..<y.count / 32 {
            let block = x + i * 20
            let d = half(block, 0)
            let m = half(block, 2)
            for j in 0..<16 {
                let q = byte(block, 4 + j)
                y[i * 32 + j] = Float(q & 0xF) * d + m
                y[i * 32 + j + 16] = Float(q >> 4) * d + m
            }
        }
    }

    /// ggml `dequantize_row_q5_0`.
    public static func dequantizeRowQ5_0Reference(_ x: UnsafeRawPointer, into y: UnsafeMutableBufferPointer<Float>) {
        checkCount(y.count, .q5_0)
        for i in 0..<y.count / 32 {
            let block = x + i * 22
            let d = half(block, 0)
            let qh = block.loadUnaligned(fromByteOffset: 2, as: UInt32.self)
            for j in 0..<16 {
                let q = UInt32(byte(block, 6 + j))
                let high0 = ((qh >> UInt32(j)) << 4) & 0x10
                let high1 = (qh >> UInt32(j + 12)) & 0x10
                y[i * 32 + j] = Float(Int((q & 0xF) | high0) - 16) * d
                y[i * 32 + j + 16] = Float(Int((q >> 4) | high1) - 16) * d
            }
        }
    }

    /// ggml `dequantize_row_q5_1`.
    public static func dequantizeRowQ5_1Reference(_ x: UnsafeRawPointer, into y: UnsafeMutableBufferPointer<Float>) {
        checkCount(y.count, .q5_1)
        for i in 0..<y.count / 32 {
            let block = x + i * 24
            let d = half(block, 0)
            let m = half(block, 2)
            let qh = block.loadUnaligned(fromByteOffset: 4, as: UInt32.self)
            for j in 0..<16 {
                let q = UInt32(byte(block, 8 + j))
                let high0 = ((qh >> UInt32(j)) << 4) & 0x10
                let high1 = (qh >> UInt32(j + 12)) & 0x10
                y[i * 32 + j] = Float((q & 0xF) | high0) * d + m
                y[i * 32 + j + 16] = Float((q >> 4) | high1) * d + m
            }
        }
    }

    /// ggml `dequantize_row_q8_0`.
    public static func dequantizeRowQ8_0Reference(_ x: UnsafeRawPointer, into y: UnsafeMutableBufferPointer<Float>) {
        checkCount(y.count, .q8_0)
        for i in 0..<y.count / 32 {
            let block = x + i * 34
            let d = half(block, 0)
            for j in 0..<32 { y[i * 32 + j] = Float(signedByte(block, 2 + j)) * d }
        }
    }

    /// ggml `dequantize_row_q4_K`: 8 sub-blocks of 32, each `d * scale * q - dmin * min`.
    public static func dequantizeRowQ4_KReference(_ x: UnsafeRawPointer, into y: UnsafeMutableBufferPointer<Float>) {
        checkCount(y.count, .q4_K)
        for i in 0..<y.count / 256 {
            let block = x + i * 144
            let d = half(block, 0)
            let dmin = half(block, 2)
            let scales = block + 4
            var out = i * 256
            for group in 0..<4 {
                let (scale0, min0) = scaleMinK4(2 * group, scales)
                let (scale1, min1) = scaleMinK4(2 * group + 1, scales)
                let d1 = d * Float(scale0)
                let m1 = dmin * Float(min0)
                let d2 = d * Float(scale1)
                let m2 = dmin * Float(min1)
                let q = 16 + group * 32
                for l in 0..<32 { y[out + l] = d1 * Float(byte(block, q + l) & 0xF) - m1 }
                for l in 0..<32 { y[out + 32 + l] = d2 * Float(byte(block, q + l) >> 4) - m2 }
                out += 64
            }
        }
    }

    /// ggml `dequantize_row_q5_K`: as q4_K with a fifth bit per element from `qh`.
    public static func dequantizeRowQ5_KReference(_ x: UnsafeRawPointer, into y: UnsafeMutableBufferPointer<Float>) {
        checkCount(y.count, .q5_K)
        for i in 0..<y.count / 256 {
            let block = x + i * 176
            let d = half(block, 0)
            let dmin = half(block, 2)
            let scales = block + 4
            var out = i * 256
            for group in 0..<4 {
                let (scale0, min0) = scaleMinK4(2 * group, scales)
                let (scale1, min1) = scaleMinK4(2 * group + 1, scales)
                let d1 = d * Float(scale0)
                let m1 = dmin * Float(min0)
                let d2 = d * Float(scale1)
                let m2 = dmin * Float(min1)
                let bit0 = UInt8(1) << (2 * group)
                let bit1 = UInt8(2) << (2 * group)
                let q = 48 + group * 32
                for l in 0..<32 {
                    let high: UInt8 = byte(block, 16 + l) & bit0 != 0 ? 16 : 0
                    y[out + l] = d1 * Float((byte(block, q + l) & 0xF) + high) - m1
                }
                for l in 0..<32 {
                    let high: UInt8 = byte(block, 16 + l) & bit1 != 0 ? 16 : 0
                    y[out + 32 + l] = d2 * Float((byte(block, q + l) >> 4) + high) - m2
                }
                out += 64
            }
        }
    }

    /// ggml `dequantize_row_q6_K`: 16 sub-blocks of 16, each `d * scale * (q - 32)` with 6-bit `q`.
    public static func dequantizeRowQ6_KReference(_ x: UnsafeRawPointer, into y: UnsafeMutableBufferPointer<Float>) {
        checkCount(y.count, .q6_K)
        for i in 0..<y.count / 256 {
            let block = x + i * 210
            let d = half(block, 208)
            for half128 in 0..<2 {
                let ql = 64 * half128
                let qh = 128 + 32 * half128
                let sc = 192 + 8 * half128
                let out = i * 256 + 128 * half128
                for l in 0..<32 {
                    let scaleIndex = sc + l / 16
                    let low0 = byte(block, ql + l)
                    let low32 = byte(block, ql + l + 32)
                    let high = byte(block, qh + l)
                    let q1 = Int((low0 & 0xF) | ((high >> 0) & 3) << 4) - 32
                    let q2 = Int((low32 & 0xF) | ((high >> 2) & 3) << 4) - 32
                    let q3 = Int((low0 >> 4) | ((high >> 4) & 3) << 4) - 32
                    let q4 = Int((low32 >> 4) | ((high >> 6) & 3) << 4) - 32
                    y[out + l] = d * Float(signedByte(block, scaleIndex)) * Float(q1)
                    y[out + l + 32] = d * Float(signedByte(block, scaleIndex + 2)) * Float(q2)
                    y[out + l + 64] = d * Float(signedByte(block, scaleIndex + 4)) * Float(q3)
                    y[out + l + 96] = d * Float(signedByte(block, scaleIndex + 6)) * Float(q4)
                }
            }
        }
    }
}
