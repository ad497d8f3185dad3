import Quantization
import Testing

/// f16 and bf16 conversions: fast vs reference, round trips and special values.
@Suite struct FloatConversionTests {
    /// Specials and boundaries: zeros, subnormals, the f16 overflow edge, infinities, NaNs with payloads.
    static let specials: [Float] = [
        0, -0, 1, -1, 0.1, 65504, 65519.99, 65520, 1e10, -1e10, .infinity, -.infinity, .nan, -.nan,
        Float(bitPattern: 0x7FA0_1234), 0x1p-14, 0x1p-24, 0x1p-25, 0x1.8p-25, 0x1p-26, 6e-8, -3e-6,
        .leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude, 1 + 0x1p-11, 1 + 0x3p-11,
    ]

    static func inputs() -> [Float] {
        var generator = SeededGenerator(seed: 11)
        let random = (0..<4096).map { _ in Float(bitPattern: UInt32.random(in: 0...UInt32.max, using: &generator)) }
        return specials + random + generator.floats(1000, scale: 70000)
    }

    @Test func fastFp16MatchesReferenceBitForBit() {
        let x = Self.inputs()
        var fast = [UInt16](repeating: 0, count: x.count)
        x.withUnsafeBufferPointer { s in fast.withUnsafeMutableBufferPointer { FloatConversion.fp32ToFp16(s, into: $0) }
        }
        #expect(fast == x.map(GGMLReference.fp32ToFp16Reference))
        var back = [Float](repeating: 0, count: x.count)
        fast.withUnsafeBufferPointer { s in
            back.withUnsafeMutableBufferPointer { FloatConversion.fp16ToFp32(s, into: $0) }
        }
        #expect(back.map(\.bitPattern) == fast.map { GGMLReference.fp16ToFp32Reference($0).bitPattern })
    }

    @Test func fastBf16MatchesReferenceBitForBit() {
        let x = Self.inputs()
        var fast = [UInt16](repeating: 0, count: x.count)
        x.withUnsafeBufferPointer { s in fast.withUnsafeMutableBufferPointer { FloatConversion.fp32ToBf16(s, into: $0) }
        }
        #expect(fast == x.map(GGMLReference.fp32ToBf16Reference))
        var back = [Float](repeating: 0, count: x.count)
        fast.withUnsafeBufferPointer { s in
            back.withUnsafeMutableBufferPointer { FloatConversion.bf16ToFp32(s, into: $0) }
        }
        #expect(back.map(\.bitPattern) == fast.map { GGMLReference.bf16ToFp32Reference($0).bitPattern })
    }

    @Test func everyFp16RoundTripsExactly() {
        for bits in UInt16.min...UInt16.max {
            let value = GGMLReference.fp16ToFp32Reference(bits)
            if value.isNaN {
                #expect(GGMLReference.fp32ToFp16Reference(value) | 0x0200 == bits | 0x0200)
            } else {
                #expect(GGMLReference.fp32ToFp16Reference(value) == bits)
            }
        }
    }

    @Test func fp16RoundsToNearestEven() {
        #expect(GGMLReference.fp32ToFp16Reference(1 + 0x1p-11) == 0x3C00)  // tie -> even (1.0)
        #expect(GGMLReference.fp32ToFp16Reference(1 + 0x3p-11) == 0x3C02)  // tie -> even (1 + 2^-9)
        #expect(GGMLReference.fp32ToFp16Reference(65520) == 0x7C00)  // rounds up to infinity
        #expect(GGMLReference.fp32ToFp16Reference(65519.99) == 0x7BFF)
        #expect(GGMLReference.fp32ToFp16Reference(0x1p-25) == 0x0000)  // tie with zero -> zero
        #expect(GGMLReference.fp32ToFp16Reference(0x1.8p-25) == 0x0001)  // above the tie -> smallest subnormal
        #expect(GGMLReference.fp32ToFp16Reference(-0x1p-24) == 0x8001)
        #expect(GGMLReference.fp16ToFp32Reference(0x0001) == 0x1p-24)
        #expect(GGMLReference.fp16ToFp32Reference(0xFC00) == -.infinity)
        #expect(GGMLReference.fp32ToFp16Reference(.nan) & 0x7E00 == 0x7E00)
    }

    #if arch(x86_64) || arch(arm64)
        @Test func fp16AgreesWithSwiftFloat16() {
            for x in Self.inputs() where !x.isNaN {
                #expect(GGMLReference.fp32ToFp16Reference(x) == Float16(x).bitPattern, "\(x)")
            }
        }
    #endif

    @Test func bf16RoundsToNearestEvenAndKeepsSpecials() {
        #expect(GGMLReference.fp32ToBf16Reference(Float(bitPattern: 0x3F80_8000)) == 0x3F80)  // tie -> even
        #expect(GGMLReference.fp32ToBf16Reference(Float(bitPattern: 0x3F81_8000)) == 0x3F82)  // tie -> even
        #expect(GGMLReference.fp32ToBf16Reference(.infinity) == 0x7F80)
        #expect(GGMLReference.fp32ToBf16Reference(-.infinity) == 0xFF80)
        #expect(GGMLReference.fp32ToBf16Reference(Float(bitPattern: 0x7F80_0001)) == 0x7FC0)  // sNaN -> quiet
        #expect(GGMLReference.fp32ToBf16Reference(.leastNonzeroMagnitude) == 0)  // subnormal rounds, not flushed
        #expect(GGMLReference.fp32ToBf16Reference(Float(bitPattern: 0x0001_8000)) == 0x0002)
        #expect(GGMLReference.bf16ToFp32Reference(0x3F80) == 1)
        for bits in UInt16.min...UInt16.max where !GGMLReference.bf16ToFp32Reference(bits).isNaN {
            #expect(GGMLReference.fp32ToBf16Reference(GGMLReference.bf16ToFp32Reference(bits)) == bits)
        }
    }
}
