import Quantization
import Testing

/// Fast dot products and the matrix kernel against their GGMLReference twins.
@Suite struct DotProductTests {
    /// Fast and reference dot products may differ only by float summation order.
    static let dotRelativeTolerance: Double = 1e-4

    static let weightTypes: [GGMLType] = [.f32, .f16, .bf16, .q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q4_K, .q5_K, .q6_K]

    /// Checks |fast - reference| <= tolerance * max(|reference|, sum |w_i * x_i|).
    static func expectClose(_ fast: Float, _ reference: Float, magnitude: Double, _ label: String) {
        let difference = abs(Double(fast) - Double(reference))
        let bound = dotRelativeTolerance * max(abs(Double(reference)), magnitude)
        #expect(difference <= bound, "\(label): fast \(fast) reference \(reference) diff \(difference) > \(bound)")
    }

    @Test(arguments: weightTypes, [256, 1024, 2816])
    func fastDotMatchesReference(type: GGMLType, count: Int) throws {
        var generator = SeededGenerator(seed: UInt64(type.rawValue) * 7919 + UInt64(count))
        let activationType = try #require(type.vecDotType)
        for trial in 0..<4 {
            let weights = TestBlocks.randomWeightRow(type, count: count, using: &generator)
            let x = generator.floats(count, scale: trial == 0 ? 1 : 20)
            let activations = TestBlocks.quantizedActivations(x, to: activationType)
            let w = TestBlocks.dequantizedReference(weights, type: type, count: count)
            let magnitude = zip(w, x).reduce(0.0) { $0 + abs(Double($1.0) * Double($1.1)) }
            let (fast, reference) = weights.withUnsafeBytes { wb in
                activations.withUnsafeBytes { ab in
                    (
                        QuantizedMatrix.dot(
                            type: type, weightRow: wb.baseAddress!, activation: ab.baseAddress!, count: count),
                        GGMLReference.vecDotReference(type: type, count: count, wb.baseAddress!, ab.baseAddress!)
                    )
                }
            }
            Self.expectClose(
                fast, reference, magnitude: magnitude, "\(type) x \(activationType) n=\(count) trial \(trial)")
        }
    }

    /// Rows 1..<8 of 9: one four-row group, three single rows, and untouched rows on both sides; 7 columns take the
    /// four-, two- and one-column kernels in turn, and every (row, column) must equal the one-row dot product.
    @Test(arguments: weightTypes, [1, 3, 7])
    func multiplyComputesEveryRowAndColumnInRange(type: GGMLType, batch: Int) throws {
        let rowCount = 9
        let columnCount = 512
        let rows = 1..<8
        var generator = SeededGenerator(seed: 42 + UInt64(type.rawValue))
        let activationType = try #require(type.vecDotType)
        let rowBytes = type.rowSizeBytes(elementCount: columnCount)
        let activationBytes = activationType.rowSizeBytes(elementCount: columnCount)
        let weights = (0..<rowCount).flatMap { _ in
            TestBlocks.randomWeightRow(type, count: columnCount, using: &generator)
        }  // [rowCount, rowBytes]
        let activations = (0..<batch).flatMap { _ in
            TestBlocks.quantizedActivations(generator.floats(columnCount), to: activationType)
        }  // [B, activationBytes]
        var output = [Float](repeating: -1, count: batch * rowCount)  // [B, rowCount]
        var reference = [Float](repeating: -1, count: batch * rowCount)  // [B, rowCount]
        weights.withUnsafeBytes { wb in
            activations.withUnsafeBytes { ab in
                output.withUnsafeMutableBufferPointer { out in
                    QuantizedMatrix.multiply(
                        type: type, weights: wb.baseAddress!, columnCount: columnCount, rows: rows,
                        activations: ab.baseAddress!, batch: batch, into: out.baseAddress!, outputStride: rowCount)
                }
                reference.withUnsafeMutableBufferPointer { out in
                    GGMLReference.multiplyReference(
                        type: type, weights: wb.baseAddress!, columnCount: columnCount, rows: rows,
                        activations: ab.baseAddress!, batch: batch, into: out.baseAddress!, outputStride: rowCount)
                }
                for c in 0..<batch {
                    for r in 0..<rowCount {
                        let value = output[c * rowCount + r]
                        guard rows.contains(r) else {
                            #expect(value == -1, "row \(r) outside \(rows) was written")
                            #expect(reference[c * rowCount + r] == -1)
                            continue
                        }
                        let w = wb.baseAddress! + r * rowBytes
                        let a = ab.baseAddress! + c * activationBytes
                        let single = QuantizedMatrix.dot(type: type, weightRow: w, activation: a, count: columnCount)
                        #expect(value == single, "\(type) out[\(c)][\(r)] = \(value), dot gives \(single)")
                        Self.expectClose(
                            value, reference[c * rowCount + r], magnitude: abs(Double(reference[c * rowCount + r])) + 1,
                            "\(type) out[\(c)][\(r)]")
                    }
                }
            }
        }
    }

    @Test func q8_0DotOfKnownBlocksIsExact() {
        // Two q8_0 blocks: d = 1 (0x3C00) and d = 0.5 (0x3800); quants all 1 against all 2.
        var x = [UInt8](repeating: 1, count: 68)
        var y = [UInt8](repeating: 2, count: 68)
        x[0] = 0x00
        x[1] = 0x3C
        x[34] = 0x00
        x[35] = 0x38
        y[0] = 0x00
        y[1] = 0x3C
        y[34] = 0x00
        y[35] = 0x3C
        let (fast, reference) = x.withUnsafeBytes { xb in
            y.withUnsafeBytes { yb in
                (
                    QuantizedMatrix.dot(
                        type: .q8_0, weightRow: xb.baseAddress!, activation: yb.baseAddress!, count: 64),
                    GGMLReference.vecDotQ8_0Q8_0Reference(count: 64, xb.baseAddress!, yb.baseAddress!)
                )
            }
        }
        #expect(fast == 96)  // 32 * 2 * 1 + 32 * 2 * 0.5
        #expect(reference == 96)
    }
}
