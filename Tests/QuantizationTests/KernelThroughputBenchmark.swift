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
        (.q5_0, 576, 576), (.q4_0, 576, 576), (.q5_K, 576, 1536),
        // Larger than the last-level cache: streams weights from memory (SmolLM2's output layer is 49152x576 q8_0).
        (.q8_0, 49152, 576), (.q4_1, 16384, 2304),
    ])
    func matrixVector(type: GGMLType, rowCount: Int, columnCount: Int) throws {
        try measure(type: type, rowCount: rowCount, columnCount: columnCount, batch: 1)
    }

    /// Eight columns per weight row (prefill, batched decode): the cost per column should fall below one matvec.
    @Test(arguments: [(GGMLType.q4_1, 576, 576), (.q4_K, 576, 1536), (.q5_0, 896, 896), (.q8_0, 896, 896)])
    func matrixTimesEightColumns(type: GGMLType, rowCount: Int, columnCount: Int) throws {
        try measure(type: type, rowCount: rowCount, columnCount: columnCount, batch: 8)
    }

    func measure(type: GGMLType, rowCount: Int, columnCount: Int, batch: Int) throws {
        var generator = SeededGenerator(seed: 1)
        let activationType = try #require(type.vecDotType)
        let weights = (0..<rowCount).flatMap { _ in
            TestBlocks.randomWeightRow(type, count: columnCount, using: &generator)
        }
        let x = generator.floats(columnCount)  // [columnCount]
        let activationRowBytes = activationType.rowSizeBytes(elementCount: columnCount)
        var activations = [UInt8](repeating: 0, count: batch * activationRowBytes)  // [B, activationRowBytes]
        var output = [Float](repeating: 0, count: batch * rowCount)  // [B, rowCount]
        let clock = ContinuousClock()
        var best = Duration.seconds(1000)
        weights.withUnsafeBytes { wb in
            activations.withUnsafeMutableBytes { ab in
                output.withUnsafeMutableBufferPointer { out in
                    x.withUnsafeBufferPointer { xb in
                        for _ in 0..<10 {
                            let iterations = max(3, 40_000_000 / weights.count)
                            let elapsed = clock.measure {
                                for _ in 0..<iterations {
                                    for c in 0..<batch {
                                        let column = UnsafeMutableRawBufferPointer(
                                            rebasing: ab[c * activationRowBytes..<(c + 1) * activationRowBytes])
                                        QuantizedMatrix.quantizeActivations(xb, to: activationType, into: column)
                                    }
                                    QuantizedMatrix.multiply(
                                        type: type, weights: wb.baseAddress!, columnCount: columnCount,
                                        rows: 0..<rowCount,
                                        activations: UnsafeRawPointer(ab.baseAddress!), batch: batch,
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
            "bench \(type) \(rowCount)x\(columnCount) B=\(batch): \(Int(nanoseconds)) ns per call, "
                + "\(Int(nanoseconds) / batch) ns per column (incl. activation quantization), "
                + "\(weights.count) weight bytes, \((gigabytesPerSecond * 100).rounded() / 100) GB/s of weights"
        )
    }

    /// Plain rows against the same rows repacked (``InterleavedWeights``), alternating, on the shapes of
    /// Qwen2.5-Coder-1.5B's matrices (attention 1536 × 1536, feed-forward 8960 × 1536 and 1536 × 8960).
    @Test(arguments: [
        (GGMLType.q4_K, 1536, 1536, 1), (.q4_K, 8960, 1536, 1), (.q4_K, 1536, 8960, 1), (.q4_K, 8960, 1536, 8),
        (.q4_K, 8960, 1536, 16), (.q6_K, 1536, 8960, 1), (.q6_K, 8960, 1536, 1), (.q6_K, 8960, 1536, 16),
    ])
    func interleavedAgainstPlainRows(type: GGMLType, rowCount: Int, columnCount: Int, batch: Int) throws {
        var generator = SeededGenerator(seed: 5)
        let weights = (0..<rowCount).flatMap { _ in
            TestBlocks.randomWeightRow(type, count: columnCount, using: &generator)
        }
        var repacked = [UInt8](
            repeating: 0, count: InterleavedWeights.byteCount(type: type, rows: rowCount, columns: columnCount))
        weights.withUnsafeBytes { source in
            repacked.withUnsafeMutableBytes {
                InterleavedWeights.repack(
                    type: type, source.baseAddress!, rows: rowCount, columns: columnCount, into: $0.baseAddress!)
            }
        }
        let activations = (0..<batch).flatMap { _ in
            TestBlocks.quantizedActivations(generator.floats(columnCount), to: .q8_K)
        }
        var output = [Float](repeating: 0, count: batch * rowCount)
        let clock = ContinuousClock()
        var best = (plain: Duration.seconds(1000), interleaved: Duration.seconds(1000))
        let iterations = max(3, 20_000_000 / weights.count)
        weights.withUnsafeBytes { plain in
            repacked.withUnsafeBytes { packed in
                activations.withUnsafeBytes { a in
                    output.withUnsafeMutableBufferPointer { out in
                        for _ in 0..<10 {
                            let plainTime = clock.measure {
                                for _ in 0..<iterations {
                                    QuantizedMatrix.multiply(
                                        type: type, weights: plain.baseAddress!, columnCount: columnCount,
                                        rows: 0..<rowCount, activations: a.baseAddress!, batch: batch,
                                        into: out.baseAddress!, outputStride: rowCount)
                                }
                            }
                            let interleavedTime = clock.measure {
                                for _ in 0..<iterations {
                                    InterleavedWeights.multiply(
                                        type: type, packed.baseAddress!, columnCount: columnCount, rows: 0..<rowCount,
                                        activations: a.baseAddress!, batch: batch, into: out.baseAddress!,
                                        outputStride: rowCount)
                                }
                            }
                            best.plain = min(best.plain, plainTime / iterations)
                            best.interleaved = min(best.interleaved, interleavedTime / iterations)
                        }
                    }
                }
            }
        }
        func microseconds(_ duration: Duration) -> Double {
            Double(duration.components.attoseconds) / 1e12 + Double(duration.components.seconds) * 1e6
        }
        print(
            "bench \(type) \(rowCount)x\(columnCount) B=\(batch): plain \(Int(microseconds(best.plain))) µs, interleaved "
                + "\(Int(microseconds(best.interleaved))) µs per call: \((microseconds(best.plain) / microseconds(best.interleaved) * 100).rounded() / 100)×"
        )
    }
}
