extension GGMLReference {
    /// The dot product of one weight row of `type` with one activation row of `type.vecDotType`, as ggml's scalar
    /// `ggml_vec_dot_<type>_<vecDotType>` computes it. Wraps the per-type functions below.
    ///
    /// - Parameters:
    ///   - type: f32, f16, bf16, q4_0, q4_1, q5_0, q5_1, q8_0, q4_K, q5_K or q6_K; others trap.
    ///   - count: elements per row, a whole number of blocks.
    ///   - x: the weight row.
    ///   - y: the activation row, already in `type.vecDotType`.
    public static func vecDotReference(type: GGMLType, count: Int, _ x: UnsafeRawPointer, _ y: UnsafeRawPointer)
        -> Float
    {
        switch type {
        case .f32: vecDotF32Reference(count: count, x, y)
        case .f16: vecDotF16Reference(count: count, x, y)
        case .bf16: vecDotBF16Reference(count: count, x, y)
        case .q4_0: vecDotQ4_0Q8_0Reference(count: count, x, y)
        case .q4_1: vecDotQ4_1Q8_1Reference(count: count, x, y)
        case .q5_0: vecDotQ5_0Q8_0Reference(count: count, x, y)
        case .q5_1: vecDotQ5_1Q8_1Reference(count: count, x, y)
        case .q8_0: vecDotQ8_0Q8_0Reference(count: count, x, y)
        case .q4_K: vecDotQ4_KQ8_KReference(count: count, x, y)
        case .q5_K: vecDotQ5_KQ8_KReference(count: count, x, y)
        case .q6_K: vecDotQ6_KQ8_KReference(count: count, x, y)
        default:
            preconditionFailure(
                "vecDot: type \(type) is not supported; supported: "
                    + "f32, f16, bf16, q4_0, q4_1, q5_0, q5_1, q8_0, q4_K, q5_K, q6_K"
            )
        }
    }

    /// ggml `ggml_vec_dot_f32` (scalar: products summed in Double).
    public static func vecDotF32Reference(count n: Int, _ x: UnsafeRawPointer, _ y: UnsafeRawPointer) -> Float {
        var sum: Double = 0
        for i in 0..<n {
            let product =
                x.loadUnaligned(fromByteOffset: 4 * i, as: Float.self)
                * y.loadUnaligned(fromByteOffset: 4 * i, as: Float.self)
            sum += Double(product)
        }
        return Float(sum)
    }

    /// ggml `ggml_vec_dot_f16`: f16 weights times f16 activations, products summed in Double.
    public static func vecDotF16Reference(count n: Int, _ x: UnsafeRawPointer, _ y: UnsafeRawPointer) -> Float {
        var sum: Double = 0
        for i in 0..<n { sum += Double(half(x, 2 * i) * half(y, 2 * i)) }
        return Float(sum)
    }

    /// ggml `ggml_vec_dot_bf16`: bf16 weights times bf16 activations, products summed in Double.
    public static func vecDotBF16Reference(count n: Int, _ x: UnsafeRawPointer, _ y: UnsafeRawPointer) -> Float {
        var sum: Double = 0
        for i in 0..<n {
            let a = bf16ToFp32Reference(x.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
            let b = bf16ToFp32Reference(y.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
            sum += Double(a * b)
        }
        return Float(sum)
    }

    /// The integer dot product of 32 4- or 5-bit weights (low nibbles, high nibbles, optional fifth bits, offset)
    /// with the 32 int8 quants at `q8`.
    private static func blockSum(_ qs: UnsafeRawPointer, qh: UInt32?, offset: Int32, _ q8: UnsafeRawPointer) -> Int32 {
        var sum0: Int32 = 0
        var sum1: Int32 = 0
        for j in 0..<16 {
            var v0 = Int32(byte(qs, j) & 0xF)
            var v1 = Int32(byte(qs, j) >> 4)
            if let qh {
                v0 |= Int32(((qh >> UInt32(j)) << 4) & 0x10)
                v1 |= Int32((qh >> UInt32(j + 12)) & 0x10)
            }
            sum0 += (v0 - offset) * Int32(signedByte(q8, j))
            sum1 += (v1 - offset) * Int32(signedByte(q8, j + 16))
        }
        return sum0 + sum1
    }

    /// ggml `ggml_vec_dot_q4_0_q8_0`.
    public static func vecDotQ4_0Q8_0Reference(count n: Int, _ x: UnsafeRawPointer, _ y: UnsafeRawPointer) -> Float {
        checkCount(n, .q4_0)
        var sum: Float = 0
        for i in 0..<n / 32 {
            let bx = x + i * 18
            let by = y + i * 34
            sum += Float(blockSum(bx + 2, qh: nil, offset: 8, by + 2)) * half(bx, 0) * half(by, 0)
        }
        return sum
    }

    /// ggml `ggml_vec_dot_q4_1_q8_1`: `sum += d_x * d_y * sumi + m_x * s_y`.
    public static func vecDotQ4_1Q8_1Reference(count n: Int, _ x: UnsafeRawPointer, _ y: UnsafeRawPointer) -> Float {
        checkCount(n, .q4_1)
        var sum: Float = 0
        for i in 0..<n / 32 {
            let bx = x + i * 20
            let by = y + i * 36
            let sumi = blockSum(bx + 4, qh: nil, offset: 0, by + 4)
            sum += (half(bx, 0) * half(by, 0)) * Float(sumi) + half(bx, 2) * half(by, 2)
        }
        return sum
    }

    /// ggml `ggml_vec_dot_q5_0_q8_0`.
    public static func vecDotQ5_0Q8_0Reference(count n: Int, _ x: UnsafeRawPointer, _ y: UnsafeRawPointer) -> Float {
        checkCount(n, .q5_0)
        var sum: Float = 0
        for i in 0..<n / 32 {
            let bx = x + i * 22
            let by = y + i * 34
            let qh = bx.loadUnaligned(fromByteOffset: 2, as: UInt32.self)
            sum += (half(bx, 0) * half(by, 0)) * Float(blockSum(bx + 6, qh: qh, offset: 16, by + 2))
        }
        return sum
    }

    /// ggml `ggml_vec_dot_q5_1_q8_1`.
    public static func vecDotQ5_1Q8_1Reference(count n: Int, _ x: UnsafeRawPointer, _ y: UnsafeRawPointer) -> Float {
        checkCount(n, .q5_1)
        var sum: Float = 0
        for i in 0..<n / 32 {
            let bx = x + i * 24
            let by = y + i * 36
            let qh = bx.loadUnaligned(fromByteOffset: 4, as: UInt32.self)
            let sumi = blockSum(bx + 8, qh: qh, offset: 0, by + 4)
            sum += (half(bx, 0) * half(by, 0)) * Float(sumi) + half(bx, 2) * half(by, 2)
        }
        return sum
    }

    /// ggml `ggml_vec_dot_q8_0_q8_0`.
    public static func vecDotQ8_0Q8_0Reference(count n: Int, _ x: UnsafeRawPointer, _ y: UnsafeRawPointer) -> Float {
        checkCount(n, .q8_0)
        var sum: Float = 0
        for i in 0..<n / 32 {
            let bx = x + i * 34
            let by = y + i * 34
            var sumi: Int32 = 0
            for j in 0..<32 { sumi += Int32(signedByte(bx, 2 + j)) * Int32(signedByte(by, 2 + j)) }
            sum += Float(sumi) * (half(bx, 0) * half(by, 0))
        }
        return sum
    }
}

extension GGMLReference {
    /// The naive twin of
    /// ``QuantizedMatrix/multiply(type:weights:columnCount:rows:activations:batch:into:outputStride:)``:
    /// `output[c * outputStride + r] = vecDotReference(W[r], A[c])` for `r` in `rows`, `c` in `0..<batch`.
    ///
    /// - Parameters:
    ///   - type: the weight type.
    ///   - weights: rows of `type.rowSizeBytes(elementCount: columnCount)` bytes. // [rowCount, columnCount]
    ///   - columnCount: elements per row (`K`).
    ///   - rows: the weight rows to compute.
    ///   - activations: `batch` rows of `type.vecDotType`. // [B, columnCount]
    ///   - batch: the number of activation columns `B`.
    ///   - output: the result. // [B, outputStride]
    ///   - outputStride: floats between output columns.
    public static func multiplyReference(
        type: GGMLType, weights: UnsafeRawPointer, columnCount: Int, rows: Range<Int>,
        activations: UnsafeRawPointer, batch: Int, into output: UnsafeMutablePointer<Float>, outputStride: Int
    ) {
        let activationType = type.vecDotType!
        let weightRowBytes = type.rowSizeBytes(elementCount: columnCount)
        let activationRowBytes = activationType.rowSizeBytes(elementCount: columnCount)
        for r in rows {
            for c in 0..<batch {
                output[c * outputStride + r] = vecDotReference(
                    type: type, count: columnCount, weights + r * weightRowBytes, activations + c * activationRowBytes)
            }
        }
    }
}
