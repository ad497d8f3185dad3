import Quantization
import Testing

/// Activation quantization (fast vs reference, bit for bit) and weight quantization error bounds.
@Suite struct QuantizeTests {
    static let lengths = [32, 256, 1024]

    /// Rows that exercise the edge cases: random, all zero, one spike, exact half-integers, negative maxima.
    static func rows(count: Int, seed: UInt64) -> [[Float]] {
        var generator = SeededGenerator(seed: seed)
        var rows = [generator.floats(count), generator.floats(count, scale: 1000), [Float](repeating: 0, count: count)]
        var spike = [Float](repeating: 0.001, count: count)
        spike[count / 2] = -7
        rows.append(spike)
        rows.append((0..<count).map { Float($0 % 64) * 0.5 - 16 })
        return rows
    }

    func quantize(_ x: [Float], to type: GGMLType, reference: Bool, rounding: Q8Rounding = .ggmlAVX2) -> [UInt8] {
        guard reference else { return TestBlocks.quantizedActivations(x, to: type) }
        var bytes = [UInt8](repeating: 0, count: type.rowSizeBytes(elementCount: x.count))
        x.withUnsafeBufferPointer { source in
            bytes.withUnsafeMutableBytes { y in
                switch type {
                case .q8_0: GGMLReference.quantizeRowQ8_0Reference(source, into: y.baseAddress!, rounding: rounding)
                case .q8_1: GGMLReference.quantizeRowQ8_1Reference(source, into: y.baseAddress!, rounding: rounding)
                case .q8_K: GGMLReference.quantizeRowQ8_KReference(source, into: y.baseAddress!)
                case .q4_0: GGMLReference.quantizeRowQ4_0Reference(source, into: y.baseAddress!)
                case .q4_1: GGMLReference.quantizeRowQ4_1Reference(source, into: y.baseAddress!)
                default: Issue.record("no reference quantizer for \(type)")
                }
            }
        }
        return bytes
    }

    @Test(arguments: [GGMLType.q8_0, .q8_1], lengths)
    func fastQ8MatchesAVX2FlavourReferenceBitForBit(type: GGMLType, count: Int) {
        for (index, x) in Self.rows(count: count, seed: UInt64(count) + UInt64(type.rawValue)).enumerated() {
            #expect(
                quantize(x, to: type, reference: false) == quantize(x, to: type, reference: true),
                "\(type) row \(index)")
        }
    }

    @Test(arguments: [256, 1024])
    func fastQ8_KMatchesReferenceBitForBit(count: Int) {
        for (index, x) in Self.rows(count: count, seed: UInt64(count) * 3).enumerated() {
            #expect(
                quantize(x, to: .q8_K, reference: false) == quantize(x, to: .q8_K, reference: true), "q8_K row \(index)"
            )
        }
    }

    @Test(arguments: [GGMLType.q8_0, .q8_1])
    func roundingFlavoursDifferByAtMostOneStep(type: GGMLType) {
        let quantOffset = type == .q8_0 ? 2 : 4
        for x in Self.rows(count: 1024, seed: 99) {
            let avx2 = quantize(x, to: type, reference: true, rounding: .ggmlAVX2)
            let scalar = quantize(x, to: type, reference: true, rounding: .ggmlReference)
            for block in 0..<x.count / 32 {
                let base = block * type.typeSizeBytes
                #expect(avx2[base] == scalar[base] && avx2[base + 1] == scalar[base + 1], "d differs in block \(block)")
                for j in 0..<32 {
                    let a = Int(Int8(bitPattern: avx2[base + quantOffset + j]))
                    let b = Int(Int8(bitPattern: scalar[base + quantOffset + j]))
                    #expect(abs(a - b) <= 1)
                }
            }
        }
    }

    @Test func halfIntegersRoundToEvenInAVX2FlavourAndAwayInReference() {
        // amax = 127 makes id = 1 in both flavours, so 2.5 and -0.5 stay exact ties.
        var x = [Float](repeating: 0, count: 32)
        x[0] = 127
        x[1] = 2.5
        x[2] = -0.5
        let avx2 = quantize(x, to: .q8_0, reference: false)
        let scalar = quantize(x, to: .q8_0, reference: true, rounding: .ggmlReference)
        #expect(Int8(bitPattern: avx2[3]) == 2 && Int8(bitPattern: avx2[4]) == 0)
        #expect(Int8(bitPattern: scalar[3]) == 3 && Int8(bitPattern: scalar[4]) == -1)
    }

    /// dequantize(quantize(x)) error per block, as a fraction of the block's amax (q4_0, q8_0) or range (q4_1):
    /// half a step, a full step at q4_0's clamped end, plus the fp16 rounding of d (and m) over the largest quant.
    @Test(arguments: [(GGMLType.q4_0, 1.01 / 8), (.q4_1, 0.52 / 15), (.q8_0, 0.57 / 127)])
    func roundTripErrorIsBoundedByAStepFraction(type: GGMLType, fraction: Double) {
        var generator = SeededGenerator(seed: 5)
        let x = generator.floats(1024, scale: 3).enumerated().map { $0.element * Float(1 + $0.offset / 32) }
        let y = TestBlocks.dequantizedReference(quantize(x, to: type, reference: true), type: type, count: x.count)
        for block in 0..<x.count / 32 {
            let values = x[block * 32..<(block + 1) * 32]
            let amax = Double(values.map(abs).max()!)
            let range = type == .q4_1 ? Double(values.max()! - values.min()!) : amax
            let bound = fraction * range + (type == .q4_1 ? amax * 0x1p-10 : 0) + 1e-6
            let worst = (block * 32..<(block + 1) * 32).map { abs(Double(x[$0]) - Double(y[$0])) }.max()!
            #expect(worst <= bound, "\(type) block \(block): error \(worst) > \(bound)")
        }
    }

    @Test func q8_KKnownBlock() {
        var x = [Float](repeating: 0, count: 256)
        x[0] = -2
        x[1] = 1
        x[17] = 0.5
        let bytes = quantize(x, to: .q8_K, reference: false)
        let d = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 0, as: Float.self) }
        #expect(d == 1 / (-127 / Float(-2)))
        #expect(
            Int8(bitPattern: bytes[4]) == -127 && Int8(bitPattern: bytes[5]) == 64 && Int8(bitPattern: bytes[21]) == 32)
        let bsums = bytes.withUnsafeBytes { b in
            (0..<16).map { b.loadUnaligned(fromByteOffset: 260 + 2 * $0, as: Int16.self) }
        }
        #expect(bsums == [-63, 32] + [Int16](repeating: 0, count: 14))
    }
}
