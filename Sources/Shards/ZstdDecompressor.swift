import CZstd

/// Streaming zstd decompression: feed compressed chunks, get decompressed bytes; frames may span chunks.
/// Owns a `ZSTD_DStream`, freed in `deinit`.
public final class ZstdDecompressor {
    private let stream: OpaquePointer
    private var output: [UInt8]
    /// Whether the last input ended exactly at a frame boundary (false means a truncated stream if no more comes).
    public private(set) var isAtFrameBoundary = true

    public init() {
        stream = ZSTD_createDStream()
        ZSTD_initDStream(stream)
        output = [UInt8](repeating: 0, count: ZSTD_DStreamOutSize())
    }

    deinit { ZSTD_freeDStream(stream) }

    /// Decompresses one chunk of input and passes each block of output to `sink`.
    /// - Parameter source: a name for the input, used in error messages.
    /// - Throws: `ShardsError` `.corruptCompressedData` naming the source and zstd's reason.
    public func decompress(_ chunk: UnsafeRawBufferPointer, source: String, sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        var input = ZSTD_inBuffer(src: chunk.baseAddress, size: chunk.count, pos: 0)
        while input.pos < input.size {
            let produced: Int
            let hint: Int
            (produced, hint) = try output.withUnsafeMutableBytes { outputBytes in
                var out = ZSTD_outBuffer(dst: outputBytes.baseAddress, size: outputBytes.count, pos: 0)
                let result = ZSTD_decompressStream(stream, &out, &input)
                if ZSTD_isError(result) != 0 {
                    throw ShardsError(.corruptCompressedData, "\(source): zstd: \(String(cString: ZSTD_getErrorName(result)))")
                }
                return (out.pos, result)
            }
            isAtFrameBoundary = hint == 0
            if produced > 0 { try output.withUnsafeBytes { try sink(UnsafeRawBufferPointer(rebasing: $0[0..<produced])) } }
        }
    }

    /// Decompresses a whole buffer holding one or more complete frames.
    /// - Throws: `ShardsError` for corrupt or truncated data.
    public static func decompress(_ data: [UInt8], source: String) throws -> [UInt8] {
        let decompressor = ZstdDecompressor()
        var result: [UInt8] = []
        try data.withUnsafeBytes { bytes in
            try decompressor.decompress(bytes, source: source) { result.append(contentsOf: $0) }
        }
        guard decompressor.isAtFrameBoundary else {
            throw ShardsError(.truncatedCompressedData, "\(source): zstd data ends inside a frame")
        }
        return result
    }
}
