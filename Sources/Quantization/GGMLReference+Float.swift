extension GGMLReference {
    /// Converts a Float to IEEE binary16 bits, rounding to nearest, ties to even.
    ///
    /// Overflow gives infinity; NaN keeps its sign and top payload bits and becomes quiet, as F16C's `vcvtps2ph`
    /// does (ggml's `GGML_FP32_TO_FP16` on x86).
    public static func fp32ToFp16Reference(_ value: Float) -> UInt16 {
        let bits = value.bitPattern
        let sign = UInt16(truncatingIfNeeded: (bits >> 16) & 0x8000)
        let exponent = Int((bits >> 23) & 0xFF)
        let mantissa = bits & 0x7F_FFFF
        if exponent == 0xFF {
            return mantissa == 0 ? sign | 0x7C00 : sign | 0x7E00 | UInt16(truncatingIfNeeded: mantissa >> 13)
        }
        let halfExponent = exponent - 127 + 15
        if halfExponent >= 31 {
            return sign | 0x7C00
        }
        if halfExponent <= 0 {
            if halfExponent < -10 { return sign }
            let significand = mantissa | 0x80_0000
            let shift = UInt32(14 - halfExponent)
            var half = significand >> shift
            let remainder = significand & ((1 << shift) - 1)
            let halfway = UInt32(1) << (shift - 1)
            if remainder > halfway || (remainder == halfway && half & 1 == 1) { half += 1 }
            return sign | UInt16(half)
        }
        var half = UInt32(halfExponent) << 10 | mantissa >> 13
        let remainder = mantissa & 0x1FFF
        if remainder > 0x1000 || (remainder == 0x1000 && half & 1 == 1) { half += 1 }
        return sign | UInt16(half)
    }

    /// Converts IEEE binary16 bits to a Float (exact).
    public static func fp16ToFp32Reference(_ bits: UInt16) -> Float {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = UInt32(bits >> 10) & 0x1F
        let mantissa = UInt32(bits & 0x3FF)
        switch exponent {
        case 0:
            let magnitude = Float(mantissa) * 0x1p-24
            return sign == 0 ? magnitude : -magnitude
        case 31:
            return Float(bitPattern: sign | 0x7F80_0000 | mantissa << 13)
        default:
            return Float(bitPattern: sign | (exponent + 112) << 23 | mantissa << 13)
        }
    }

    /// Converts a Float to bfloat16 bits, rounding to nearest, ties to even (ggml's `GGML_FP32_TO_BF16`).
    ///
    /// NaN keeps its sign and top payload bits and becomes quiet; subnormals are rounded, not flushed.
    public static func fp32ToBf16Reference(_ value: Float) -> UInt16 {
        let bits = value.bitPattern
        if bits & 0x7FFF_FFFF > 0x7F80_0000 {
            return UInt16(truncatingIfNeeded: bits >> 16) | 64
        }
        let rounded = bits &+ (0x7FFF + ((bits >> 16) & 1))
        return UInt16(truncatingIfNeeded: rounded >> 16)
    }

    /// Converts bfloat16 bits to a Float (exact).
    public static func bf16ToFp32Reference(_ bits: UInt16) -> Float {
        Float(bitPattern: UInt32(bits) << 16)
    }
}
