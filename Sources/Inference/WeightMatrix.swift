import GGUF
import Quantization

/// A weight matrix inside the memory-mapped GGUF file (never copied): `rowCount` rows of `columnCount` elements
/// of `type`. In ggml order the tensor's dimensions are `[columnCount, rowCount]`.
struct WeightMatrix: @unchecked Sendable {
    // Reason for @unchecked Sendable: `base` points into the read-only mapping owned by the model's GGUFFile.
    let name: String
    let type: GGMLType
    let rowCount: Int
    let columnCount: Int
    let base: UnsafeRawPointer  // [rowCount, rowBytes]
    let rowBytes: Int

    /// The type activations are quantized to before multiplying by this matrix.
    var activationType: GGMLType { type.vecDotType! }

    /// Bytes of one activation row quantized for this matrix.
    var activationRowBytes: Int { activationType.rowSizeBytes(elementCount: columnCount) }

    /// Looks up a 2-D tensor and checks its shape and type.
    ///
    /// - Throws: `.missingTensor`, `.invalidTensorShape` or `.unsupportedTensorType`, naming the tensor.
    static func load(_ name: String, from file: GGUFFile, rows: Int, columns: Int) throws -> WeightMatrix {
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
        return WeightMatrix(
            name: name, type: info.type, rowCount: rows, columnCount: columns, base: data.baseAddress!,
            rowBytes: info.type.rowSizeBytes(elementCount: columns))
    }

    /// Dequantizes row `row` into `output` (`columnCount` floats): an embedding lookup.
    func dequantizeRow(_ row: Int, into output: UnsafeMutablePointer<Float>) {
        QuantizedMatrix.dequantizeRow(
            type: type, base + row * rowBytes, into: UnsafeMutableBufferPointer(start: output, count: columnCount))
    }

    /// Dequantizes the consecutive rows `rows` into `output` (`rows.count * columnCount` floats, row-major).
    func dequantizeRows(_ rows: Range<Int>, into output: UnsafeMutablePointer<Float>) {
        QuantizedMatrix.dequantizeRow(
            type: type, base + rows.lowerBound * rowBytes,
            into: UnsafeMutableBufferPointer(start: output, count: rows.count * columnCount))
    }
}
