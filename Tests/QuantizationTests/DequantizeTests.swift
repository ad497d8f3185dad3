import Quantization
import Testing

/// Fast dequantization against the reference (bit for bit) and hand-built blocks with known values.
@Suite struct DequantizeTests {
    static let types: [GGMLType] = [.f32, .f16, .bf16, .q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q4_K, .q5_K, .q6_K]

    static func fastDequantize(_ bytes: [UInt8], type: GGMLType, count: Int) -> [Float] {
        var y = [Float](repeating: .nan, count: count)
        bytes.withUnsafeBytes { x in
            y.withUnsafeMutableBufferPointer { QuantizedMatrix.dequantizeRow(type: type, x.baseAddress!, into: $0) }
        }
        return y
    }

    @Test(arguments: types, [256, 768])
    func fastDequantizeMatchesReferenceExactly(type: GGMLType, count: Int) {
        var generator = SeededGenerator(seed: UInt64(type.rawValue) << 20 | UInt64(count))
        let bytes = TestBlocks.randomWeightRow(type, count: count, using: &generator)
        let fast = Self.fastDequantize(bytes, type: type, count: count)
        let reference = TestBlocks.dequantizedReference(bytes, type: type, count: count)
        #expect(fast.map(\.bitPattern) == reference.map(\.bitPattern))
    }

    @Test func q4_0KnownBlock() {
        // d = 0.5; byte j holds element j = j (low nibble) and element j + 16 = 15 - j (high nibble).
        let bytes: [UInt8] = [0x00, 0x38] + (0..<16).map { UInt8($0 | (15 - $0) << 4) }
        let expected = (0..<16).map { Float($0 - 8) * 0.5 } + (0..<16).map { Float(7 - $0) * 0.5 }
        #expect(Self.fastDequantize(bytes, type: .q4_0, count: 32) == expected)
        #expect(TestBlocks.dequantizedReference(bytes, type: .q4_0, count: 32) == expected)
    }

    @Test func q5_0KnownBlock() {
        // d = 1; qh sets the fifth bit of even elements; all nibbles 3 -> values 3 - 16 or 19 - 16.
        let qh: UInt32 = 0x5555_5555
        let bytes: [UInt8] =
            [0x00, 0x3C] + (0..<4).map { UInt8((qh >> (8 * $0)) & 0xFF) } + [UInt8](repeating: 0x33, count: 16)
        let expected = (0..<32).map { Float($0 % 2 == 0 ? 3 : -13) }
        #expect(Self.fastDequantize(bytes, type: .q5_0, count: 32) == expected)
    }

    @Test func q4_KKnownBlock() {
        // d = 1, dmin = 0.5; scales 1...4 and mins 1 for sub-blocks 0-3, scale 5 and min 2 for 4-7;
        // every byte 0x31: low nibble 1 (first 32 of each 64), high nibble 3 (second 32).
        let bytes: [UInt8] =
            [0x00, 0x3C, 0x00, 0x38, 1, 2, 3, 4, 1, 1, 1, 1, 0x25, 0x25, 0x25, 0x25]
            + [UInt8](repeating: 0x31, count: 128)
        let perSubBlock: [Float] = [1 * 1 - 0.5, 2 * 3 - 0.5, 3 * 1 - 0.5, 4 * 3 - 0.5, 5 - 1, 15 - 1, 5 - 1, 15 - 1]
        let expected = perSubBlock.flatMap { [Float](repeating: $0, count: 32) }
        #expect(Self.fastDequantize(bytes, type: .q4_K, count: 256) == expected)
        #expect(TestBlocks.dequantizedReference(bytes, type: .q4_K, count: 256) == expected)
    }

    @Test func q6_KKnownBlock() {
        // d = 1, scales 2; ql 0x21 (nibbles 1 and 2), qh 0xE4 (2-bit fields 0, 1, 2, 3 for the four quarters).
        let bytes =
            [UInt8](repeating: 0x21, count: 128) + [UInt8](repeating: 0xE4, count: 64)
            + [UInt8](repeating: 2, count: 16) + [0x00, 0x3C]
        let quarter: [Float] = [2 * -31, 2 * -15, 2 * 2, 2 * 18]
        let half128 = quarter.flatMap { [Float](repeating: $0, count: 32) }
        #expect(Self.fastDequantize(bytes, type: .q6_K, count: 256) == half128 + half128)
        #expect(TestBlocks.dequantizedReference(bytes, type: .q6_K, count: 256) == half128 + half128)
    }
}
