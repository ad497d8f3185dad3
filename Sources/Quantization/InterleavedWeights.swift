import CThinkStreamShims

/// q4_K and q6_K weight matrices repacked into groups of eight interleaved rows, the layout the AVX2 matrix kernels
/// read fastest (one activation broadcast feeds eight rows; q4_K's 6-bit scales are unpacked once, at repacking;
/// q6_K's -32 offset is applied once per block). Wraps the `thinkstream_*_q4_K_x8` and `*_q6_K_x8` C kernels;
/// ``unpackRows(type:_:columnCount:rows:into:)`` gives the plain rows back bit for bit, so every result can be checked
/// against ``QuantizedMatrix`` and ``GGMLReference``.
///
/// A repacked matrix of `R` rows (a multiple of ``rowsPerGroup``) and `K` columns (a multiple of 256) is `R / 8`
/// groups of `K / 256` blocks of ``blockBytes(_:)`` bytes.
public enum InterleavedWeights {
    /// Rows interleaved in one group.
    public static let rowsPerGroup = 8

    /// The weight types with an interleaved layout.
    public static let supportedTypes: [GGMLType] = [.q4_K, .q6_K]

    /// Bytes of one group's 256-column block: 1184 for q4_K (32 more than eight plain blocks: scales unpacked),
    /// 1680 for q6_K (the same as eight plain blocks).
    public static func blockBytes(_ type: GGMLType) -> Int {
        switch type {
        case .q4_K: 1184
        case .q6_K: 1680
        default: preconditionFailure("InterleavedWeights: no interleaved layout for \(type)")
        }
    }

    /// Whether a matrix of this type and shape can be repacked, and whether it pays: only AVX2 builds have the
    /// kernels.
    public static func canRepack(type: GGMLType, rows: Int, columns: Int) -> Bool {
        supportedTypes.contains(type) && QuantizedMatrix.usesAVX2Kernels && rows > 0 && rows % rowsPerGroup == 0
            && columns > 0 && columns % 256 == 0
    }

    /// Bytes of a repacked `rows` × `columns` matrix.
    public static func byteCount(type: GGMLType, rows: Int, columns: Int) -> Int {
        rows / rowsPerGroup * columns / 256 * blockBytes(type)
    }

    /// Repacks plain rows into `destination` (``byteCount(type:rows:columns:)`` bytes).
    ///
    /// - Parameters:
    ///   - source: `rows` plain rows of `columns` elements of `type`, `type.rowSizeBytes(elementCount:)` apart.
    public static func repack(
        type: GGMLType, _ source: UnsafeRawPointer, rows: Int, columns: Int, into destination: UnsafeMutableRawPointer
    ) {
        precondition(
            rows % rowsPerGroup == 0 && columns % 256 == 0,
            "InterleavedWeights: \(rows) × \(columns) is not 8 × 256-aligned")
        let rowBytes = type.rowSizeBytes(elementCount: columns)
        switch type {
        case .q4_K: thinkstream_repack_q4_K_x8(source, rowBytes, Int64(rows), Int64(columns), destination)
        case .q6_K: thinkstream_repack_q6_K_x8(source, rowBytes, Int64(rows), Int64(columns), destination)
        default: preconditionFailure("InterleavedWeights: no interleaved layout for \(type)")
        }
    }

    /// Rebuilds rows `rows` of a repacked matrix as plain rows in `destination`.
    public static func unpackRows(
        type: GGMLType, _ repacked: UnsafeRawPointer, columnCount: Int, rows: Range<Int>,
        into destination: UnsafeMutableRawPointer
    ) {
        let (n, begin, end) = (Int64(columnCount), Int64(rows.lowerBound), Int64(rows.upperBound))
        switch type {
        case .q4_K: thinkstream_unpack_q4_K_x8_rows(repacked, n, begin, end, destination)
        case .q6_K: thinkstream_unpack_q6_K_x8_rows(repacked, n, begin, end, destination)
        default: preconditionFailure("InterleavedWeights: no interleaved layout for \(type)")
        }
    }

    /// Dequantizes rows `rows` of a repacked matrix into `output` (`rows.count * columnCount` floats, row-major).
    public static func dequantizeRows(
        type: GGMLType, _ repacked: UnsafeRawPointer, columnCount: Int, rows: Range<Int>,
        into output: UnsafeMutablePointer<Float>
    ) {
        let (n, begin, end) = (Int64(columnCount), Int64(rows.lowerBound), Int64(rows.upperBound))
        switch type {
        case .q4_K: thinkstream_dequantize_q4_K_x8_rows(repacked, n, begin, end, output)
        case .q6_K: thinkstream_dequantize_q6_K_x8_rows(repacked, n, begin, end, output)
        default: preconditionFailure("InterleavedWeights: no interleaved layout for \(type)")
        }
    }

    /// `output[c * outputStride + r] = W[r] · A[c]` for rows `rows` (multiples of 8) of a repacked matrix, as
    /// ``QuantizedMatrix/multiply(type:weights:columnCount:rows:activations:batch:into:outputStride:)`` does for
    /// plain rows; `activations` are `batch` q8_K rows from ``QuantizedMatrix/quantizeActivations(_:to:into:)``.
    public static func multiply(
        type: GGMLType, _ repacked: UnsafeRawPointer, columnCount: Int, rows: Range<Int>,
        activations: UnsafeRawPointer, batch: Int, into output: UnsafeMutablePointer<Float>, outputStride: Int
    ) {
        precondition(
            rows.lowerBound >= 0 && rows.upperBound <= outputStride,
            "InterleavedWeights.multiply: rows \(rows) outside output stride \(outputStride)")
        let (n, begin, end) = (Int64(columnCount), Int64(rows.lowerBound), Int64(rows.upperBound))
        let activationBytes = GGMLType.q8_K.rowSizeBytes(elementCount: columnCount)
        let status: Int32
        switch type {
        case .q4_K:
            status = thinkstream_mul_mat_q4_K_x8(
                n, repacked, begin, end, activations, activationBytes, Int64(batch), output, Int64(outputStride))
        case .q6_K:
            status = thinkstream_mul_mat_q6_K_x8(
                n, repacked, begin, end, activations, activationBytes, Int64(batch), output, Int64(outputStride))
        default: preconditionFailure("InterleavedWeights: no interleaved layout for \(type)")
        }
        precondition(
            status == 0, "InterleavedWeights.multiply: rows \(rows) or \(columnCount) columns not 8 × 256-aligned")
    }
}
