// Matrix multiplies split across the worker pool, with activations quantized once per input row as ggml does.
// Legend: T = input rows, K = input width (columns of W), N = output width (rows of W).
import Executors
import Quantization
import Tensors

extension TransformerModel {
    /// `output_i[t, :] = W_i · input[t, :]` for each pair and every row of `runs`, one pool dispatch per run;
    /// each thread takes a 4-aligned (8 for interleaved rows) share of every matrix's rows. All matrices share `K`.
    /// Quantized runs (decoding, short prompts) quantize their input once per activation type (as ggml does) and
    /// use the quantized kernels. F32 runs (prefill of prompts of ``ForwardBatch/longPrefillMinimumTokens`` or
    /// more) have each thread dequantize its share of the weights and run a one-thread sgemm, which beats the plain
    /// quantized kernels at that size; matrices repacked into interleaved rows take the quantized kernels there
    /// too, which beat the sgemm plus its dequantization (1.5B pp512: ~83 against ~57 tokens/s) and quantize the
    /// activations as llama.cpp does for every projection.
    func project(
        _ input: UnsafePointer<Float>, runs: [ProjectionRun],
        through pairs: [(WeightMatrix, UnsafeMutablePointer<Float>)]
    ) {
        for run in runs {
            if run.inFloat {
                // Split only here: decode and short prompts (every step's runs) never take this branch.
                let interleaved = pairs.filter { $0.0.interleaved != nil }
                let mapped = pairs.filter { $0.0.interleaved == nil }
                if !interleaved.isEmpty { projectQuantized(input, rows: run.rows, through: interleaved) }
                if !mapped.isEmpty { projectInFloat(input, rows: run.rows, through: mapped) }
            } else {
                projectQuantized(input, rows: run.rows, through: pairs)
            }
        }
    }

    private func projectInFloat(
        _ input: UnsafePointer<Float>, rows batchRows: Range<Int>,
        through pairs: [(WeightMatrix, UnsafeMutablePointer<Float>)]
    ) {
        let K = pairs[0].0.columnCount, T = batchRows.count
        let parts = pool.threadCount
        let widest = pairs.map {
            Self.share(of: $0.0.rowCount, part: 0, parts: parts, alignment: $0.0.rowAlignment).count + $0.0.rowAlignment
        }.max()!
        scratch.reserveDequantized(floats: widest * K, threads: parts)
        pool.run { part in
            for (matrix, output) in pairs {
                let rows = Self.share(of: matrix.rowCount, part: part, parts: parts, alignment: matrix.rowAlignment)
                guard !rows.isEmpty else { continue }
                let weights = scratch.dequantized[part]
                matrix.dequantizeRows(rows, into: weights)
                BLAS.sgemm(
                    transposeA: false, transposeB: true, m: T, n: rows.count, k: K, a: input + batchRows.lowerBound * K,
                    lda: K, b: weights, ldb: K, c: output + batchRows.lowerBound * matrix.rowCount + rows.lowerBound,
                    ldc: matrix.rowCount)
            }
        }
    }

    private func projectQuantized(
        _ input: UnsafePointer<Float>, rows batchRows: Range<Int>,
        through pairs: [(WeightMatrix, UnsafeMutablePointer<Float>)]
    ) {
        let K = pairs[0].0.columnCount, T = batchRows.count
        let parts = pool.threadCount
        var types: [GGMLType] = []
        for (matrix, _) in pairs where !types.contains(matrix.activationType) { types.append(matrix.activationType) }
        for type in types { quantize(input + batchRows.lowerBound * K, rows: T, columns: K, to: type) }
        pool.run { part in
            for (matrix, output) in pairs {
                let rows = Self.share(of: matrix.rowCount, part: part, parts: parts, alignment: matrix.rowAlignment)
                guard !rows.isEmpty else { continue }
                matrix.multiply(
                    rows: rows, activations: scratch.quantizedBuffer(for: matrix.activationType), batch: T,
                    into: output + batchRows.lowerBound * matrix.rowCount, outputStride: matrix.rowCount)
            }
        }
    }

    /// Quantizes `T` rows of `K` floats to `type` into its scratch buffer (rows packed at the type's row size).
    private func quantize(_ input: UnsafePointer<Float>, rows T: Int, columns K: Int, to type: GGMLType) {
        let destination = scratch.quantizedBuffer(for: type)
        let rowBytes = type.rowSizeBytes(elementCount: K)
        let body = { (rows: Range<Int>) in
            for t in rows {
                QuantizedMatrix.quantizeActivations(
                    UnsafeBufferPointer(start: input + t * K, count: K), to: type,
                    into: UnsafeMutableRawBufferPointer(start: destination + t * rowBytes, count: rowBytes))
            }
        }
        if T < 8 {
            body(0..<T)
        } else {
            let parts = pool.threadCount
            pool.run { part in body(Self.share(of: T, part: part, parts: parts, alignment: 1)) }
        }
    }

    /// Part `part` of `0..<count` split into `parts` pieces with boundaries on multiples of `alignment`.
    static func share(of count: Int, part: Int, parts: Int, alignment: Int = 4) -> Range<Int> {
        func boundary(_ k: Int) -> Int {
            if k >= parts { return count }
            let raw = count * k / parts
            return min(count, (raw + alignment - 1) / alignment * alignment)
        }
        return boundary(part)..<boundary(part + 1)
    }
}
