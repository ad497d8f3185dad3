import CThinkStreamShims

/// q4_K weight matrices repacked into groups of eight interleaved rows, the layout the AVX2 matrix kernel reads
/// fastest (one activation broadcast feeds eight rows; scales and mins are unpacked once, at repacking). Wraps the
/// `thinkstream_*_q4_K_x8` C kernels; ``unpackRows(_:columnCount:rows:into:)`` gives the plain rows back bit for bit,
/// so every result can be checked against ``QuantizedMatrix`` and ``GGMLReference``.
///
/// A repacked matrix of `R` rows (a multiple of ``rowsPerGroup``) and `K` columns (a multiple of 256) is `R / 8`
/// groups of `K / 256` blocks of ``blockBytes`` bytes.
public enum InterleavedQ4K {
    /// Rows interleaved in one group.
    public static let rowsPerGroup = 8
    /// Bytes of one group's 256-column block.
    public static let blockBytes = 1184

    /// Whether a q4_K matrix of this shape can be repacked, and whether it pays: only AVX2 builds have the kernel.
    public static func canRepack(rows: Int, columns: Int) -> Bool {
        QuantizedMatrix.usesAVX2Kernels && rows > 0 && rows % rowsPerGroup == 0 && columns > 0 && columns % 256 == 0
    }

    /// Bytes of a repacked `rows` × `columns` matrix (the same as the plain q4_K rows plus 32 bytes per group block).
    public static func byteCount(rows: Int, columns: Int) -> Int {
        rows / rowsPerGroup * columns / 256 * blockBytes
    }

    /// Repacks plain q4_K rows into `destination` (``byteCount(rows:columns:)`` bytes).
    ///
    /// - Parameters:
    ///   - source: `rows` plain q4_K rows of `columns` elements, `GGMLType.q4_K.rowSizeBytes(elementCount:)` apart.
    public static func repack(
        _ source: UnsafeRawPointer, rows: Int, columns: Int, into destination: UnsafeMutableRawPointer
    ) {
        precondition(
            rows % rowsPerGroup == 0 && columns % 256 == 0,
            "InterleavedQ4K: \(rows) × \(columns) is not 8 × 256-aligned")
        thinkstream_repack_q4_K_x8(
            source, GGMLType.q4_K.rowSizeBytes(elementCount: columns), Int64(rows), Int64(columns), destination)
    }

    /// Rebuilds rows `rows` of a repacked matrix as plain q4_K rows in `destination`.
    public static func unpackRows(
        _ repacked: UnsafeRawPointer, columnCount: Int, rows: Range<Int>, into destination: UnsafeMutableRawPointer
    ) {
        thinkstream_unpack_q4_K_x8_rows(
            repacked, Int64(columnCount), Int64(rows.lowerBound), Int64(rows.upperBound), destination)
    }

    /// Dequantizes rows `rows` of a repacked matrix into `output` (`rows.count * columnCount` floats, row-major).
    public static func dequantizeRows(
        _ repacked: UnsafeRawPointer, columnCount: Int, rows: Range<Int>, into output: UnsafeMutablePointer<Float>
    ) {
        thinkstream_dequantize_q4_K_x8_rows(
            repacked, Int64(columnCount), Int64(rows.lowerBound), Int64(rows.upperBound), output)
    }

    /// `output[c * outputStride + r] = W[r] · A[c]` for rows `rows` (multiples of 8) of a repacked matrix, as
    /// ``QuantizedMatrix/multiply(type:weights:columnCount:rows:activations:batch:into:outputStride:)`` does for
    /// plain rows; `activations` are `batch` q8_K rows from ``QuantizedMatrix/quantizeActivations(_:to:into:)``.
    public static func multiply(
        _ repacked: UnsafeRawPointer, columnCount: Int, rows: Range<Int>, activations: UnsafeRawPointer, batch: Int,
        into output: UnsafeMutablePointer<Float>, outputStride: Int
    ) {
        precondition(
            rows.lowerBound >= 0 && rows.upperBound <= outputStride,
            "InterleavedQ4K.multiply: rows \(rows) outside output stride \(outputStride)")
        let status = thinkstream_mul_mat_q4_K_x8(
            Int64(columnCount), repacked, Int64(rows.lowerBound), Int64(rows.upperBound), activations,
            GGMLType.q8_K.rowSizeBytes(elementCount: columnCount), Int64(batch), output, Int64(outputStride))
        precondition(status == 0, "InterleavedQ4K.multiply: rows \(rows) or \(columnCount) columns not 8 × 256-aligned")
    }
}
