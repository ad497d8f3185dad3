import CZstd

/// One-shot zstd compression of a buffer into a single frame with its content size and checksum.
public enum ZstdCompressor {
    /// - Parameter level: zstd level, 1 (fast) to 19 (small); 3 is zstd's default.
    /// - Throws: `ShardsError` `.compressionFailed` with zstd's reason.
    public static func compress(_ data: [UInt8], level: Int32 = 3) throws -> [UInt8] {
        let context = ZSTD_createCCtx()
        defer { ZSTD_freeCCtx(context) }
        ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level)
        ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1)
        var output = [UInt8](repeating: 0, count: ZSTD_compressBound(data.count))
        let written = output.withUnsafeMutableBytes { out in
            data.withUnsafeBytes { input in
                ZSTD_compress2(context, out.baseAddress, out.count, input.baseAddress, input.count)
            }
        }
        if ZSTD_isError(written) != 0 {
            throw ShardsError(.compressionFailed, "zstd: \(String(cString: ZSTD_getErrorName(written)))")
        }
        output.removeSubrange(written...)
        return output
    }
}
