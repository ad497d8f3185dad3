extension GGMLReference {
    /// ggml `quantize_row_q8_0_ref` (or its AVX2 flavour): 32 elements per block, `d = amax / 127`.
    ///
    /// - Parameters:
    ///   - x: the source row, a multiple of 32 elements.
    ///   - y: `x.count / 32 * 34` bytes.
    ///   - rounding: which ggml flavour to reproduce.
    public static func quantizeRowQ8_0Reference(
        _ x: UnsafeBufferPointer<Float>, into y: UnsafeMutableRawPointer, rounding: Q8Rounding = .ggmlReference
    ) {
        checkCount(x.count, .q8_0)
        for i in 0..<x.count / 32 {
            let block = y + i * 34
            let (d, quants) = quantizeBlockQ8(x, start: i * 32, rounding: rounding)
            storeHalf(d, block, 0)
            for j in 0..<32 { block.storeBytes(of: quants[j], toByteOffset: 2 + j, as: Int8.self) }
        }
    }

    /// ggml `quantize_row_q8_1_ref` (or its AVX2 flavour): as Q8_0 plus `s = fp16(d * sum(qs))`.
    ///
    /// - Parameters:
    ///   - x: the source row, a multiple of 32 elements.
    ///   - y: `x.count / 32 * 36` bytes.
    ///   - rounding: which ggml flavour to reproduce.
    public static func quantizeRowQ8_1Reference(
        _ x: UnsafeBufferPointer<Float>, into y: UnsafeMutableRawPointer, rounding: Q8Rounding = .ggmlReference
    ) {
        checkCount(x.count, .q8_1)
        for i in 0..<x.count / 32 {
            let block = y + i * 36
            let (d, quants) = quantizeBlockQ8(x, start: i * 32, rounding: rounding)
            var sum: Int32 = 0
            for j in 0..<32 {
                block.storeBytes(of: quants[j], toByteOffset: 4 + j, as: Int8.self)
                sum += Int32(quants[j])
            }
            storeHalf(d, block, 0)
            storeHalf(Float(sum) * d, block, 2)
        }
    }

    /// One Q8_0/Q8_1 block: the float scale `d` and the 32 quants.
    private static func quantizeBlockQ8(_ x: UnsafeBufferPointer<Float>, start: Int, rounding: Q8Rounding) -> (
        Float, [Int8]
    ) {
        var amax: Float = 0
        for j in 0..<32 { amax = max(amax, abs(x[start + j])) }
        let d = amax / 127
        var quants = [Int8](repeating: 0, count: 32)
        switch rounding {
        case .ggmlReference:
            let id: Float = d != 0 ? 1 / d : 0
            for j in 0..<32 { quants[j] = Int8((x[start + j] * id).rounded(.toNearestOrAwayFromZero)) }
        case .ggmlAVX2:
            let id: Float = amax != 0 ? 127 / amax : 0
            for j in 0..<32 { quants[j] = Int8((x[start + j] * id).rounded(.toNearestOrEven)) }
        }
        return (d, quants)
    }

    /// ggml `quantize_row_q8_K_ref`: 256 elements per block, `d = 1 / (-127 / max)` with `max` the signed element of
    /// largest magnitude, quants `min(127, nearest_int(-127 / max * x))`, and `bsums` over each 16 quants.
    ///
    /// An all-zero block gets `d = 0` and zero quants; unlike ggml, its `bsums` are zeroed too (ggml leaves them
    /// unwritten; they are multiplied by `d = 0` in every dot product).
    ///
    /// - Parameters:
    ///   - x: the source row, a multiple of 256 elements.
    ///   - y: `x.count / 256 * 292` bytes.
    public static func quantizeRowQ8_KReference(_ x: UnsafeBufferPointer<Float>, into y: UnsafeMutableRawPointer) {
        checkCount(x.count, .q8_K)
        for i in 0..<x.count / 256 {
            let block = y + i * 292
            var maxValue: Float = 0
            var amax: Float = 0
            for j in 0..<256 where abs(x[i * 256 + j]) > amax {
                amax = abs(x[i * 256 + j])
                maxValue = x[i * 256 + j]
            }
            if amax == 0 {
                block.initializeMemory(as: UInt8.self, repeating: 0, count: 292)
                continue
            }
            let iscale = -127 / maxValue
            var sums = [Int16](repeating: 0, count: 16)
            for j in 0..<256 {
                let q = Int8(min(127, nearestInt(iscale * x[i * 256 + j])))
                block.storeBytes(of: q, toByteOffset: 4 + j, as: Int8.self)
                sums[j / 16] += Int16(q)
            }
            for j in 0..<16 { block.storeBytes(of: sums[j], toByteOffset: 260 + 2 * j, as: Int16.self) }
            block.storeBytes(of: 1 / iscale, toByteOffset: 0, as: Float.self)
        }
    }

    /// ggml `quantize_row_q4_0_ref`: `d = max / -8` with `max` the signed element of largest magnitude.
    ///
    /// - Parameters:
    ///   - x: the source row, a multiple of 32 elements.
    ///   - y: `x.count / 32 * 18` bytes.
    public static func quantizeRowQ4_0Reference(_ x: UnsafeBufferPointer<Float>, into y: UnsafeMutableRawPointer) {
        checkCount(x.count, .q4_0)
        for i in 0..<x.count / 32 {
            let block = y + i * 18
            var amax: Float = 0
            var maxValue: Float = 0
            for j in 0..<32 where amax < abs(x[i * 32 + j]) {
                amax = abs(x[i * 32 + j])
                maxValue = x[i * 32 + j]
            }
            let d = maxValue / -8
            let id: Float = d != 0 ? 1 / d : 0
            storeHalf(d, block, 0)
            for j in 0..<16 {
                let low = min(15, Int(x[i * 32 + j] * id + 8.5))
                let high = min(15, Int(x[i * 32 + 16 + j] * id + 8.5))
                block.storeBytes(of: UInt8(low | high << 4), toByteOffset: 2 + j, as: UInt8.self)
            }
        }
    }

    /// ggml `quantize_row_q4_1_ref`: `d = (max - min) / 15`, `m = min`.
    ///
    /// - Parameters:
    ///   - x: the source row, a multiple of 32 elements.
    ///   - y: `x.count / 32 * 20` bytes.
    public static func quantizeRowQ4_1Reference(_ x: UnsafeBufferPointer<Float>, into y: UnsafeMutableRawPointer) {
        checkCount(x.count, .q4_1)
        for i in 0..<x.count / 32 {
            let block = y + i * 20
            var minValue = Float.greatestFiniteMagnitude
            var maxValue = -Float.greatestFiniteMagnitude
            for j in 0..<32 {
                minValue = min(minValue, x[i * 32 + j])
                maxValue = max(maxValue, x[i * 32 + j])
            }
            let d = (maxValue - minValue) / 15
            let id: Float = d != 0 ? 1 / d : 0
            storeHalf(d, block, 0)
            storeHalf(minValue, block, 2)
            for j in 0..<16 {
                let low = min(15, Int((x[i * 32 + j] - minValue) * id + 0.5))
                let high = min(15, Int((x[i * 32 + 16 + j] - minValue) * id + 0.5))
                block.storeBytes(of: UInt8(low | high << 4), toByteOffset: 4 + j, as: UInt8.self)
            }
        }
    }
}
