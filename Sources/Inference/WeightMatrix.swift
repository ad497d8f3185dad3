import GGUF
import Quantization

/// A weight matrix: `rowCount` rows of `columnCount` elements of `type`, inside the memory-mapped GGUF file or, for
/// q4_K and q6_K matrices on AVX2 builds, repacked at load into eight-row interleaved groups
/// (``InterleavedWeights``; the file's pages are then released). In ggml order the tensor's dimensions are `[columnCount, rowCount]`.
struct WeightMatrix: @unchecked Sendable {
    // Reason for @unchecked Sendable: `base` points into the read-only mapping owned by the model's GGUFFile, and
    // `interleaved` is written once at load and only read afterwards.
    let name: String
    let type: GGMLType
    let rowCount: Int
    let columnCount: Int
    let base: UnsafeRawPointer  // [rowCount, rowBytes]
    let rowBytes: Int
    /// The rows repacked for the interleaved kernels; when set, the kernels read it instead of `base`.
    let interleaved: InterleavedRows?

    /// A repacked copy of a matrix's rows, freed with the last matrix that holds it.
    final class InterleavedRows: @unchecked Sendable {
        // Reason for @unchecked Sendable: written once in `init`, read-only afterwards.
        let bytes: UnsafeMutableRawPointer
        let byteCount: Int

        /// Repacks the tensor `info` of `file` slice by slice, releasing each slice's file pages once it is copied,
        /// so resident memory grows by at most one slice over the repacked size (the 1.5B's tied 191 MB q6_K
        /// embedding would otherwise be resident twice at its peak).
        init(repacking info: GGUFTensorInfo, of file: GGUFFile, rows: Int, columns: Int) {
            let type = info.type
            byteCount = InterleavedWeights.byteCount(type: type, rows: rows, columns: columns)
            bytes = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: 64)
            let source = file.data(of: info).baseAddress!
            let rowBytes = type.rowSizeBytes(elementCount: columns)
            let sliceRows = max(InterleavedWeights.rowsPerGroup, (8 << 20) / rowBytes / 8 * 8)  // ~8 MiB of rows
            for first in stride(from: 0, to: rows, by: sliceRows) {
                let count = min(sliceRows, rows - first)
                InterleavedWeights.repack(
                    type: type, source + first * rowBytes, rows: count, columns: columns,
                    into: bytes + InterleavedWeights.byteCount(type: type, rows: first, columns: columns))
                file.releaseResidentPages(of: info, bytes: (first * rowBytes)..<((first + count) * rowBytes))
            }
            file.releaseResidentPages(of: info)  // the pages that straddled two slices
        }

        deinit { bytes.deallocate() }
    }

    /// Row alignment of the parts a multiply is split into: 8 for interleaved rows (one group), else 4.
    var rowAlignment: Int { interleaved == nil ? 4 : InterleavedWeights.rowsPerGroup }

    /// The type activations are quantized to before multiplying by this matrix.
    var activationType: GGMLType { type.vecDotType! }

    /// Bytes of one activation row quantized for this matrix.
    var activationRowBytes: Int { activationType.rowSizeBytes(elementCount: columnCount) }

    /// Looks up a 2-D tensor and checks its shape and type.
    ///
    /// - Parameters:
    ///   - repacking: repack a q4_K or q6_K matrix whose shape allows it
    ///     (``InterleavedWeights/canRepack(type:rows:columns:)``).
    /// - Throws: `.missingTensor`, `.invalidTensorShape` or `.unsupportedTensorType`, naming the tensor.
    static func load(_ name: String, from file: GGUFFile, rows: Int, columns: Int, repacking: Bool = false) throws
        -> WeightMatrix
    {
        guard let info = file.tensor(named: name) else {
            throw InferenceError(.missingTensor, "\(file.path): required tensor '\(name)' is missing")
        }
        guard info.dimensions == [columns, rows] else {
            throw InferenceError(
                .invalidTensorShape,
                "\(file.path): tensor '\(name)' has dimensions \(info.dimensions); expected [\(columns), \(rows)]")
        }
        guard QuantizedMatrix.supports(info.type), info.type.vecDotType != nil,
            columns % info.type.blockSize == 0, columns % info.type.vecDotType!.blockSize == 0
        else {
            throw InferenceError(
                .unsupportedTensorType,
                "\(file.path): tensor '\(name)' has type \(info.type); supported: "
                    + QuantizedMatrix.supportedTypes.map(\.description).joined(separator: ", "))
        }
        let data = file.data(of: info)
        var interleaved: InterleavedRows?
        if repacking, InterleavedWeights.canRepack(type: info.type, rows: rows, columns: columns) {
            interleaved = InterleavedRows(repacking: info, of: file, rows: rows, columns: columns)
        }
        return WeightMatrix(
            name: name, type: info.type, rowCount: rows, columnCount: columns, base: data.baseAddress!,
            rowBytes: info.type.rowSizeBytes(elementCount: columns), interleaved: interleaved)
    }

    /// `output[c * outputStride + r] = W[r] · A[c]` for rows `rows` (multiples of ``rowAlignment``) and `batch`
    /// activation rows already quantized to ``activationType``.
    func multiply(
        rows: Range<Int>, activations: UnsafeRawPointer, batch: Int, into output: UnsafeMutablePointer<Float>,
        outputStride: Int
    ) {
        if let interleaved {
            InterleavedWeights.multiply(
                type: type, interleaved.bytes, columnCount: columnCount, rows: rows, activations: activations,
                batch: batch,
                into: output, outputStride: outputStride)
        } else {
            QuantizedMatrix.multiply(
                type: type, weights: base, columnCount: columnCount, rows: rows, activations: activations,
                batch: batch, into: output, outputStride: outputStride)
        }
    }

    /// Dequantizes row `row` into `output` (`columnCount` floats): an embedding lookup.
    func dequantizeRow(_ row: Int, into output: UnsafeMutablePointer<Float>) {
        dequantizeRows(row..<(row + 1), into: output)
    }

    /// Dequantizes the consecutive rows `rows` into `output` (`rows.count * columnCount` floats, row-major).
    func dequantizeRows(_ rows: Range<Int>, into output: UnsafeMutablePointer<Float>) {
        if let interleaved {
            return InterleavedWeights.dequantizeRows(
                type: type, interleaved.bytes, columnCount: columnCount, rows: rows, into: output)
        }
        QuantizedMatrix.dequantizeRow(
            type: type, base + rows.lowerBound * rowBytes,
            into: UnsafeMutableBufferPointer(start: output, count: rows.count * columnCount))
    }
}
