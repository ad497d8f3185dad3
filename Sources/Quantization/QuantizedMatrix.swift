import CThinkStreamShims

/// Fast ggml-compatible kernels for quantized weights: activation quantization, row dot products, a row-range
/// matrix kernel and row dequantization. Thin wrappers over `CThinkStreamShims` (AVX2 + FMA + F16C on x86-64,
/// portable scalar C elsewhere); every function has a twin in ``GGMLReference``.
///
/// A weight row of type `T` multiplies an activation row of `T.vecDotType` (``GGMLType/vecDotType``), as in
/// ggml-cpu: quantize each activation row once with ``quantizeActivations(_:to:into:)``, then call
/// ``dot(type:weightRow:activation:count:)`` or
/// ``multiply(type:weights:columnCount:rows:activations:batch:into:outputStride:)``. Activation quantization reproduces
/// ggml's x86 kernels (``Q8Rounding/ggmlAVX2``), which is what llama.cpp runs on this project's machines.
///
/// Nothing here allocates. Unsupported types and bad shapes are programmer errors and trap; check
/// ``supports(_:)`` when a type comes from a file.
public enum QuantizedMatrix {
    /// Weight types with a dot product and dequantization here: f32, f16, bf16, q4_0, q4_1, q5_0, q5_1, q8_0,
    /// q4_K, q5_K, q6_K.
    public static let supportedTypes: [GGMLType] = [
        .f32, .f16, .bf16, .q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q4_K, .q5_K, .q6_K,
    ]

    /// Whether the kernels were built with AVX2, FMA and F16C (false: the portable scalar fallback).
    public static var usesAVX2Kernels: Bool { thinkstream_has_avx2_kernels() != 0 }

    /// Whether `type` can be a weight type for ``dot(type:weightRow:activation:count:)``,
    /// ``multiply(type:weights:columnCount:rows:activations:batch:into:outputStride:)`` and
    /// ``dequantizeRow(type:_:into:)``.
    public static func supports(_ type: GGMLType) -> Bool {
        kernelBlockSize(type) != 0
    }

    /// Elements per block for supported weight types, 0 otherwise (a switch: cheap enough for every call).
    @inline(__always)
    static func kernelBlockSize(_ type: GGMLType) -> Int {
        switch type.rawValue {
        case 0, 1, 30: 1
        case 2, 3, 6, 7, 8: 32
        case 12, 13, 14: 256
        default: 0
        }
    }

    /// Traps unless `type` is a supported weight type and `count` a whole number of its blocks.
    @inline(__always)
    static func checkWeightType(_ type: GGMLType, count: Int) {
        let blockSize = kernelBlockSize(type)
        precondition(
            blockSize != 0, "QuantizedMatrix: weight type \(type) is not supported; supported: \(supportedTypes)")
        precondition(
            count % blockSize == 0,
            "QuantizedMatrix: \(count) elements is not a multiple of \(type)'s block size \(blockSize)")
    }

    /// Quantizes (or converts) one activation row to `type`, ggml's `from_float` for a weight type's vec_dot_type.
    ///
    /// - Parameters:
    ///   - x: the activation row; its count must be a multiple of `type.blockSize`.
    ///   - type: q8_0, q8_1, q8_K, f32, f16 or bf16; others trap.
    ///   - y: at least `type.rowSizeBytes(elementCount: x.count)` bytes.
    public static func quantizeActivations(
        _ x: UnsafeBufferPointer<Float>, to type: GGMLType, into y: UnsafeMutableRawBufferPointer
    ) {
        guard let source = x.baseAddress, let destination = y.baseAddress else { return }
        let k = Int64(x.count)
        precondition(
            y.count >= type.rowSizeBytes(elementCount: x.count),
            "quantizeActivations: \(y.count) bytes is too small for \(x.count) elements of \(type)")
        switch type {
        case .q8_0: thinkstream_quantize_row_q8_0(source, destination, k)
        case .q8_1: thinkstream_quantize_row_q8_1(source, destination, k)
        case .q8_K: thinkstream_quantize_row_q8_K(source, destination, k)
        case .f32: destination.copyMemory(from: source, byteCount: x.count * 4)
        case .f16: thinkstream_fp32_to_fp16_row(source, destination.assumingMemoryBound(to: UInt16.self), k)
        case .bf16: thinkstream_fp32_to_bf16_row(source, destination.assumingMemoryBound(to: UInt16.self), k)
        default:
            preconditionFailure(
                "quantizeActivations: type \(type) is not an activation type; "
                    + "supported: q8_0, q8_1, q8_K, f32, f16, bf16"
            )
        }
    }

    /// The dot product of one weight row of `type` with one activation row of `type.vecDotType`
    /// (ggml's `ggml_vec_dot_<type>_<vec_dot_type>`).
    ///
    /// - Parameters:
    ///   - type: the weight type (see ``supportedTypes``).
    ///   - weightRow: `count` elements of `type`.
    ///   - activation: `count` elements of `type.vecDotType`, from ``quantizeActivations(_:to:into:)``.
    ///   - count: elements per row, a whole number of blocks.
    @inline(__always)
    public static func dot(type: GGMLType, weightRow: UnsafeRawPointer, activation: UnsafeRawPointer, count: Int)
        -> Float
    {
        checkWeightType(type, count: count)
        return thinkstream_vec_dot(Int32(bitPattern: type.rawValue), Int64(count), weightRow, activation)
    }

    /// Multiplies weight rows `rows` by `batch` activation columns: `output[c * outputStride + r] = W[r] · A[c]`.
    ///
    /// The loop runs weight row outer, column inner, so a weight row is read once for all columns (prefill,
    /// batched decode). Split `rows` across threads; each writes its own part of `output`.
    ///
    /// - Parameters:
    ///   - type: the weight type (see ``supportedTypes``).
    ///   - weights: the whole weight matrix, rows of `type.rowSizeBytes(elementCount: columnCount)` bytes.
    ///     // [rowCount, columnCount]
    ///   - columnCount: elements per weight row (`K`), a whole number of blocks of `type` and of `type.vecDotType`.
    ///   - rows: the weight rows to compute.
    ///   - activations: `batch` rows of `type.vecDotType`, each `vecDotType.rowSizeBytes(elementCount: columnCount)`
    ///     bytes. // [B, columnCount]
    ///   - batch: the number of activation columns `B`.
    ///   - output: the result. // [B, outputStride]
    ///   - outputStride: floats between output columns, usually the weight matrix's row count.
    public static func multiply(
        type: GGMLType, weights: UnsafeRawPointer, columnCount: Int, rows: Range<Int>,
        activations: UnsafeRawPointer, batch: Int, into output: UnsafeMutablePointer<Float>, outputStride: Int
    ) {
        checkWeightType(type, count: columnCount)
        precondition(
            rows.lowerBound >= 0 && rows.upperBound <= outputStride,
            "multiply: rows \(rows) outside output stride \(outputStride)")
        let activationType = type.vecDotType!
        let status = thinkstream_mul_mat(
            Int32(bitPattern: type.rawValue), Int64(columnCount), weights, type.rowSizeBytes(elementCount: columnCount),
            Int64(rows.lowerBound), Int64(rows.upperBound), activations,
            activationType.rowSizeBytes(elementCount: columnCount), Int64(batch), output, Int64(outputStride))
        precondition(status == 0, "multiply: thinkstream_mul_mat refused type \(type)")
    }

    /// Dequantizes one row of `type` into `y` (`y.count` elements), as ggml's `dequantize_row_<type>`.
    ///
    /// - Parameters:
    ///   - type: the row's type (see ``supportedTypes``).
    ///   - x: `type.rowSizeBytes(elementCount: y.count)` bytes.
    ///   - y: the destination.
    public static func dequantizeRow(type: GGMLType, _ x: UnsafeRawPointer, into y: UnsafeMutableBufferPointer<Float>) {
        checkWeightType(type, count: y.count)
        guard let destination = y.baseAddress else { return }
        let status = thinkstream_dequantize_row(Int32(bitPattern: type.rawValue), x, destination, Int64(y.count))
        precondition(status == 0, "dequantizeRow: thinkstream_dequantize_row refused type \(type)")
    }
}
