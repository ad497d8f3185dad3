import CThinkStreamShims

/// Fast row conversions between Float and the 16-bit float formats (F16C and AVX2 on x86-64), rounding to nearest,
/// ties to even. Twins: ``GGMLReference/fp32ToFp16Reference(_:)`` and friends.
public enum FloatConversion {
    /// Converts `x` to IEEE binary16 bits in `y` (`y.count >= x.count`).
    public static func fp32ToFp16(_ x: UnsafeBufferPointer<Float>, into y: UnsafeMutableBufferPointer<UInt16>) {
        precondition(y.count >= x.count, "fp32ToFp16: destination holds \(y.count) of \(x.count) elements")
        guard let source = x.baseAddress, let destination = y.baseAddress else { return }
        thinkstream_fp32_to_fp16_row(source, destination, Int64(x.count))
    }

    /// Converts binary16 bits `x` to Floats in `y` (`y.count >= x.count`).
    public static func fp16ToFp32(_ x: UnsafeBufferPointer<UInt16>, into y: UnsafeMutableBufferPointer<Float>) {
        precondition(y.count >= x.count, "fp16ToFp32: destination holds \(y.count) of \(x.count) elements")
        guard let source = x.baseAddress, let destination = y.baseAddress else { return }
        thinkstream_fp16_to_fp32_row(source, destination, Int64(x.count))
    }

    /// Converts `x` to bfloat16 bits in `y` (`y.count >= x.count`).
    public static func fp32ToBf16(_ x: UnsafeBufferPointer<Float>, into y: UnsafeMutableBufferPointer<UInt16>) {
        precondition(y.count >= x.count, "fp32ToBf16: destination holds \(y.count) of \(x.count) elements")
        guard let source = x.baseAddress, let destination = y.baseAddress else { return }
        thinkstream_fp32_to_bf16_row(source, destination, Int64(x.count))
    }

    /// Converts bfloat16 bits `x` to Floats in `y` (`y.count >= x.count`).
    public static func bf16ToFp32(_ x: UnsafeBufferPointer<UInt16>, into y: UnsafeMutableBufferPointer<Float>) {
        precondition(y.count >= x.count, "bf16ToFp32: destination holds \(y.count) of \(x.count) elements")
        guard let source = x.baseAddress, let destination = y.baseAddress else { return }
        thinkstream_bf16_to_fp32_row(source, destination, Int64(x.count))
    }
}
