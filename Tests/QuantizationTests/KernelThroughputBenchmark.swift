import Quantization
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Single-thread matrix-vector throughput, run by hand and never asserted:
/// `THINKSTREAM_QUANT_BENCH=1 swift test -c release --filter KernelThroughputBenchmark`.
@Suite(.serialized, .enabled(if: getenv("THINKSTREAM_QUANT_BENCH") != nil, "set THINKSTREAM_QUANT_BENCH=1 to run"))
struct KernelThroughputBenchmark {
    @Test(arguments: [
        (GGMLType.q4_1, 576, 576), (.q4_1, 1536, 576), (.q4_K, 576, 1536), (.q6_K, 576, 1536), (.q8_0, 576, 576),
        (.q5_0, 576, 576),
    ])
    func matrixVector(type: GGMLType, rowCount: Int, columnCount: Int) throws {
        var generator = SeededGenerator(seed: 1)
        let activationType = try #require(type.vecDotType)
        let weights = (0..<rowCount).flatMap { _ in
            TestBlocks.randomWeightRow(type, count: columnCount, using: &generator)
        }
        let x = generator.floats(columnCount)  // [columnCount]
        var activations = [UInt8](repeating: 0, count: activationType.rowSizeBytes(elementCount: columnCount))
        var output = [Float](repeating: 0, count: rowCount)  // [1, rowCount]
        let clock = ContinuousClock()
        var best = Duration.seconds(1000)
        weights.withUnsafeBytes { wb in
            activations.withUnsafeMutableBytes { ab in
                output.withUnsafeMutableBufferPointer { out in
                    x.withUnsafeBufferPointer { xb in
                        for _ in 0..<20 {
                            let iterations = 200
                            let elapsed = clock.measure {
                                for _ in 0..<iterations {
                                    QuantizedMatrix.quantizeActivations(xb, to: activationType, into: ab)
                                    QuantizedMatrix.multiply(
                                        type: type, weights: wb.baseAddress!, columnCount: columnCount,
                                        rows: 0..<rowCount,
                                        activations: UnsafeRawPointer(ab.baseAddress!), batch: 1,
                                        into: out.baseAddress!,
                                        outputStride: rowCount)
                                }
                            }
                            best = min(best, elapsed / iterations)
                        }
                    }
                }
            }
        }
        let nanoseconds = Double(best.components.attoseconds) / 1e9 + Double(best.components.seconds) * 1e9
        let gigabytesPerSecond = Double(weights.count) / nanoseconds
        print(
            "bench \(type) \(rowCount)x\(columnCount): \(Int(nanoseconds)) ns per matvec "
                + "(incl. activation quantization), \(weights.count) weight bytes, "
                + "\((gigabytesPerSecond * 100).rounded() / 100) GB/s"
        )
    }
}
