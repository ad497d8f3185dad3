/// Naive scalar twins of ggml's reference code (`ggml-quants.c`, `ggml-cpu/quants.c`).
///
/// Every fast kernel in ``QuantizedMatrix`` and ``FloatConversion`` has a twin here, written for clarity and
/// checked against it by the tests. The functions read and write raw ggml blocks; the byte layout of every block is
/// at the top of `GGMLReference+Dequantize.swift` and in the C structs of `CThinkStreamShims.h`.
///
/// Legend: `x` is the source row, `y` the destination row, `d` a block scale, `m` or `dmin` a block minimum, `qs` the
/// packed low bits, `qh` the packed high bits, `n` the element count, `nb` the block count.
public enum GGMLReference {
    /// Reads the fp16 value at `offset` bytes past `p`, as a Float.
    @inline(__always)
    static func half(_ p: UnsafeRawPointer, _ offset: Int) -> Float {
        fp16ToFp32Reference(p.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    /// Reads the byte at `offset` bytes past `p`.
    @inline(__always)
    static func byte(_ p: UnsafeRawPointer, _ offset: Int) -> UInt8 {
        p.load(fromByteOffset: offset, as: UInt8.self)
    }

    /// Reads the signed byte at `offset` bytes past `p`.
    @inline(__always)
    static func signedByte(_ p: UnsafeRawPointer, _ offset: Int) -> Int8 {
        p.load(fromByteOffset: offset, as: Int8.self)
    }

    /// Stores `value` as fp16 at `offset` bytes past `p`.
    @inline(__always)
    static func storeHalf(_ value: Float, _ p: UnsafeMutableRawPointer, _ offset: Int) {
        p.storeBytes(of: fp32ToFp16Reference(value), toByteOffset: offset, as: UInt16.self)
    }

    /// ggml's `nearest_int`: rounds to nearest, ties to even, by adding 1.5 * 2^23. Valid for |value| < 2^22.
    @inline(__always)
    static func nearestInt(_ value: Float) -> Int32 {
        let shifted = value + 12_582_912
        return Int32(bitPattern: shifted.bitPattern & 0x007F_FFFF) - 0x0040_0000
    }

    /// ggml's `get_scale_min_k4`: the 6-bit scale and minimum of sub-block `j` (0..<8) of a Q4_K or Q5_K block.
    ///
    /// The 12 scale bytes hold eight 6-bit scales and eight 6-bit minimums: bytes 0-3 are scales 0-3 (low 6 bits),
    /// bytes 4-7 minimums 0-3, bytes 8-11 the low 4 bits of scales and minimums 4-7; the top 2 bits of bytes 0-7
    /// are the high bits of scales and minimums 4-7.
    @inline(__always)
    static func scaleMinK4(_ j: Int, _ scales: UnsafeRawPointer) -> (scale: UInt8, min: UInt8) {
        let q = { (i: Int) in scales.load(fromByteOffset: i, as: UInt8.self) }
        if j < 4 {
            return (q(j) & 63, q(j + 4) & 63)
        }
        return ((q(j + 4) & 0xF) | ((q(j - 4) >> 6) << 4), (q(j + 4) >> 4) | ((q(j) >> 6) << 4))
    }

    /// Checks that `count` elements make whole blocks of `type`.
    @inline(__always)
    static func checkCount(_ count: Int, _ type: GGMLType) {
        precondition(count % type.blockSize == 0, "\(type): \(count) elements is not a multiple of \(type.blockSize)")
    }
}
