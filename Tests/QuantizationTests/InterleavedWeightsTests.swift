import Quantization
import Testing

/// The eight-row interleaved q4_K and q6_K layouts: repacking is lossless, and their matrix kernels and
/// dequantization agree with the plain kernels and the GGMLReference twins.
@Suite struct InterleavedWeightsTests {
    static let columnCount = 768  // three 256-element blocks

    /// 24 random rows of `type`, repacked.
    static func matrix(_ type: GGMLType, rows: Int = 24, seed: UInt64) -> (plain: [UInt8], repacked: [UInt8]) {
        var generator = SeededGenerator(seed: seed)
        let plain = (0..<rows).flatMap { _ in TestBlocks.randomWeightRow(type, count: columnCount, using: &generator) }
        var repacked = [UInt8](
            repeating: 0, count: InterleavedWeights.byteCount(type: type, rows: rows, columns: columnCount))
        plain.withUnsafeBytes { source in
            repacked.withUnsafeMutableBytes {
                InterleavedWeights.repack(
                    type: type, source.baseAddress!, rows: rows, columns: columnCount, into: $0.baseAddress!)
            }
        }
        return (plain, repacked)
    }

    static func unpacked(_ type: GGMLType, _ repacked: [UInt8], rows: Range<Int>) -> [UInt8] {
        var unpacked = [UInt8](repeating: 0, count: rows.count * type.rowSizeBytes(elementCount: columnCount))
        repacked.withUnsafeBytes { source in
            unpacked.withUnsafeMutableBytes {
                InterleavedWeights.unpackRows(
                    type: type, source.baseAddress!, columnCount: columnCount, rows: rows, into: $0.baseAddress!)
            }
        }
        return unpacked
    }

    @Test(arguments: InterleavedWeights.supportedTypes)
    func repackingIsLossless(type: GGMLType) {
        let (plain, repacked) = Self.matrix(type, seed: 1)
        // q4_K's unpacked scales add 32 bytes per group block; q6_K keeps the same bytes.
        #expect(repacked.count == plain.count + (type == .q4_K ? 24 / 8 * 3 * 32 : 0))
        #expect(Self.unpacked(type, repacked, rows: 0..<24) == plain, "every row comes back bit for bit")
        // Any row range, not only whole groups.
        let rowBytes = type.rowSizeBytes(elementCount: Self.columnCount)
        #expect(Self.unpacked(type, repacked, rows: 6..<11) == Array(plain[(6 * rowBytes)..<(11 * rowBytes)]))
    }

    @Test(arguments: InterleavedWeights.supportedTypes)
    func dequantizedRowsMatchThePlainRows(type: GGMLType) {
        let (plain, repacked) = Self.matrix(type, seed: 2)
        let rows = 5..<19
        var fast = [Float](repeating: .nan, count: rows.count * Self.columnCount)
        repacked.withUnsafeBytes { source in
            fast.withUnsafeMutableBufferPointer {
                InterleavedWeights.dequantizeRows(
                    type: type, source.baseAddress!, columnCount: Self.columnCount, rows: rows, into: $0.baseAddress!)
            }
        }
        let rowBytes = type.rowSizeBytes(elementCount: Self.columnCount)
        let reference = rows.flatMap { row in
            TestBlocks.dequantizedReference(
                Array(plain[(row * rowBytes)..<((row + 1) * rowBytes)]), type: type, count: Self.columnCount)
        }
        #expect(fast == reference)
    }

    /// Batches 1–7 cover the 4-, 2- and 1-column kernels; rows 8..<24 leave group 0 untouched.
    @Test(arguments: InterleavedWeights.supportedTypes, [1, 2, 3, 4, 5, 7])
    func multiplyMatchesThePlainKernelAndTheReference(type: GGMLType, batch: Int) {
        let (plain, repacked) = Self.matrix(type, seed: 3 + UInt64(batch))
        let rowCount = 24
        let rows = 8..<24
        var generator = SeededGenerator(seed: 100 + UInt64(batch))
        let xs = (0..<batch).map { column in generator.floats(Self.columnCount, scale: column % 2 == 0 ? 1 : 20) }
        let activations = xs.flatMap { TestBlocks.quantizedActivations($0, to: .q8_K) }
        let activationBytes = GGMLType.q8_K.rowSizeBytes(elementCount: Self.columnCount)
        let rowBytes = type.rowSizeBytes(elementCount: Self.columnCount)
        var interleaved = [Float](repeating: -1, count: batch * rowCount)
        var plainOutput = [Float](repeating: -1, count: batch * rowCount)
        repacked.withUnsafeBytes { w in
            activations.withUnsafeBytes { a in
                interleaved.withUnsafeMutableBufferPointer {
                    InterleavedWeights.multiply(
                        type: type, w.baseAddress!, columnCount: Self.columnCount, rows: rows,
                        activations: a.baseAddress!, batch: batch, into: $0.baseAddress!, outputStride: rowCount)
                }
            }
        }
        plain.withUnsafeBytes { w in
            activations.withUnsafeBytes { a in
                plainOutput.withUnsafeMutableBufferPointer {
                    QuantizedMatrix.multiply(
                        type: type, weights: w.baseAddress!, columnCount: Self.columnCount, rows: rows,
                        activations: a.baseAddress!, batch: batch, into: $0.baseAddress!, outputStride: rowCount)
                }
            }
        }
        for c in 0..<batch {
            for r in 0..<rowCount {
                let index = c * rowCount + r
                guard rows.contains(r) else {
                    #expect(interleaved[index] == -1, "\(type) row \(r) outside the range was written")
                    continue
                }
                let reference = plain.withUnsafeBytes { w in
                    activations.withUnsafeBytes { a in
                        GGMLReference.vecDotReference(
                            type: type, count: Self.columnCount, w.baseAddress! + r * rowBytes,
                            a.baseAddress! + c * activationBytes)
                    }
                }
                let w = TestBlocks.dequantizedReference(
                    Array(plain[(r * rowBytes)..<((r + 1) * rowBytes)]), type: type, count: Self.columnCount)
                let magnitude = zip(w, xs[c]).reduce(0.0) { $0 + abs(Double($1.0) * Double($1.1)) }
                DotProductTests.expectClose(
                    interleaved[index], reference, magnitude: magnitude, "\(type) row \(r) column \(c)")
                DotProductTests.expectClose(
                    interleaved[index], plainOutput[index], magnitude: magnitude,
                    "\(type) row \(r) column \(c) vs plain")
            }
        }
    }
}
