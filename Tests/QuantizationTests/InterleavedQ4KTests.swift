import Quantization
import Testing

/// The eight-row interleaved q4_K layout: repacking is lossless, and its matrix kernel and dequantization agree with
/// the plain q4_K kernels and the GGMLReference twins.
@Suite struct InterleavedQ4KTests {
    static let columnCount = 768  // three 256-element blocks

    /// 24 random q4_K rows, repacked.
    static func matrix(rows: Int = 24, seed: UInt64) -> (plain: [UInt8], repacked: [UInt8]) {
        var generator = SeededGenerator(seed: seed)
        let plain = (0..<rows).flatMap { _ in TestBlocks.randomWeightRow(.q4_K, count: columnCount, using: &generator) }
        var repacked = [UInt8](repeating: 0, count: InterleavedQ4K.byteCount(rows: rows, columns: columnCount))
        plain.withUnsafeBytes { source in
            repacked.withUnsafeMutableBytes {
                InterleavedQ4K.repack(source.baseAddress!, rows: rows, columns: columnCount, into: $0.baseAddress!)
            }
        }
        return (plain, repacked)
    }

    @Test func repackingIsLosslessAndAddsThirtyTwoBytesPerGroupBlock() {
        let (plain, repacked) = Self.matrix(seed: 1)
        #expect(repacked.count == plain.count + 24 / 8 * 3 * 32)
        var unpacked = [UInt8](repeating: 0, count: plain.count)
        repacked.withUnsafeBytes { source in
            unpacked.withUnsafeMutableBytes {
                InterleavedQ4K.unpackRows(
                    source.baseAddress!, columnCount: Self.columnCount, rows: 0..<24, into: $0.baseAddress!)
            }
        }
        #expect(unpacked == plain, "every row comes back bit for bit")
        // Any row range, not only whole groups.
        let rowBytes = GGMLType.q4_K.rowSizeBytes(elementCount: Self.columnCount)
        var middle = [UInt8](repeating: 0, count: 5 * rowBytes)
        repacked.withUnsafeBytes { source in
            middle.withUnsafeMutableBytes {
                InterleavedQ4K.unpackRows(
                    source.baseAddress!, columnCount: Self.columnCount, rows: 6..<11, into: $0.baseAddress!)
            }
        }
        #expect(middle == Array(plain[(6 * rowBytes)..<(11 * rowBytes)]))
    }

    @Test func dequantizedRowsMatchThePlainRows() {
        let (plain, repacked) = Self.matrix(seed: 2)
        let rows = 5..<19
        var fast = [Float](repeating: .nan, count: rows.count * Self.columnCount)
        repacked.withUnsafeBytes { source in
            fast.withUnsafeMutableBufferPointer {
                InterleavedQ4K.dequantizeRows(
                    source.baseAddress!, columnCount: Self.columnCount, rows: rows, into: $0.baseAddress!)
            }
        }
        let rowBytes = GGMLType.q4_K.rowSizeBytes(elementCount: Self.columnCount)
        let reference = rows.flatMap { row in
            TestBlocks.dequantizedReference(
                Array(plain[(row * rowBytes)..<((row + 1) * rowBytes)]), type: .q4_K, count: Self.columnCount)
        }
        #expect(fast == reference)
    }

    /// Batches 1–7 cover the 4-, 2- and 1-column kernels; rows 8..<24 leave group 0 untouched.
    @Test(arguments: [1, 2, 3, 4, 5, 7])
    func multiplyMatchesThePlainKernelAndTheReference(batch: Int) {
        let (plain, repacked) = Self.matrix(seed: 3 + UInt64(batch))
        let rowCount = 24, rows = 8..<24
        var generator = SeededGenerator(seed: 100 + UInt64(batch))
        let xs = (0..<batch).map { column in generator.floats(Self.columnCount, scale: column % 2 == 0 ? 1 : 20) }
        let activations = xs.flatMap { TestBlocks.quantizedActivations($0, to: .q8_K) }
        let activationBytes = GGMLType.q8_K.rowSizeBytes(elementCount: Self.columnCount)
        let rowBytes = GGMLType.q4_K.rowSizeBytes(elementCount: Self.columnCount)
        var interleaved = [Float](repeating: -1, count: batch * rowCount)
        var plainOutput = [Float](repeating: -1, count: batch * rowCount)
        repacked.withUnsafeBytes { w in
            activations.withUnsafeBytes { a in
                interleaved.withUnsafeMutableBufferPointer {
                    InterleavedQ4K.multiply(
                        w.baseAddress!, columnCount: Self.columnCount, rows: rows, activations: a.baseAddress!,
                        batch: batch, into: $0.baseAddress!, outputStride: rowCount)
                }
            }
        }
        plain.withUnsafeBytes { w in
            activations.withUnsafeBytes { a in
                plainOutput.withUnsafeMutableBufferPointer {
                    QuantizedMatrix.multiply(
                        type: .q4_K, weights: w.baseAddress!, columnCount: Self.columnCount, rows: rows,
                        activations: a.baseAddress!, batch: batch, into: $0.baseAddress!, outputStride: rowCount)
                }
            }
        }
        for c in 0..<batch {
            for r in 0..<rowCount {
                let index = c * rowCount + r
                guard rows.contains(r) else {
                    #expect(interleaved[index] == -1, "row \(r) outside the range was written")
                    continue
                }
                let reference = plain.withUnsafeBytes { w in
                    activations.withUnsafeBytes { a in
                        GGMLReference.vecDotReference(
                            type: .q4_K, count: Self.columnCount, w.baseAddress! + r * rowBytes,
                            a.baseAddress! + c * activationBytes)
                    }
                }
                let w = TestBlocks.dequantizedReference(
                    Array(plain[(r * rowBytes)..<((r + 1) * rowBytes)]), type: .q4_K, count: Self.columnCount)
                let magnitude = zip(w, xs[c]).reduce(0.0) { $0 + abs(Double($1.0) * Double($1.1)) }
                DotProductTests.expectClose(interleaved[index], reference, magnitude: magnitude, "row \(r) column \(c)")
                DotProductTests.expectClose(
                    interleaved[index], plainOutput[index], magnitude: magnitude, "row \(r) column \(c) vs plain")
            }
        }
    }
}
