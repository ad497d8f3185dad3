import CZstd

/// Streaming zstd decompression: feed compressed chunks, get decompressed bytes; frames may span chunks.
/// Owns a `ZSTD_DStream`, freed in `deinit`.
///
/// Output comes in blocks of at most ``outputBlockBytes``: ``decompressStep(_:position:source:sink:)`` makes one
/// block per call, so a caller can stop pulling as soon as it has enough (a few compressed bytes may expand to
/// gigabytes; nothing here holds more than one block).
public final class ZstdDecompressor {
    private let stream: OpaquePointer
    private var output: [UInt8]
    /// Whether the last input ended exactly at a frame boundary (false means a truncated stream if no more comes).
    public private(set) var isAtFrameBoundary = true
    /// Whether the last step filled its output block, so zstd may hold more output even with no input left.
    private var mayHoldOutput = false

    public init() {
        stream = ZSTD_createDStream()
        ZSTD_initDStream(stream)
        output = [UInt8](repeating: 0, count: ZSTD_DStreamOutSize())
    }

    deinit { ZSTD_freeDStream(stream) }

    /// The most bytes one step hands to its sink.
    public var outputBlockBytes: Int { output.count }

    /// Whether `chunk` from `position` still has work: unread input, or output zstd holds back.
    public func hasPendingOutput(_ chunk: UnsafeRawBufferPointer, position: Int) -> Bool {
        position < chunk.count || mayHoldOutput
    }

    /// Decompresses from `chunk[position...]` until one output block is made or the input is used up, passes the
    /// output (possibly empty) to `sink`, and advances `position`. Call again while
    /// ``hasPendingOutput(_:position:)``.
    /// - Throws: `ShardsError` `.corruptCompressedData` naming the source and zstd's reason.
    public func decompressStep(
        _ chunk: UnsafeRawBufferPointer, position: inout Int, source: String,
        sink: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        var input = ZSTD_inBuffer(src: chunk.baseAddress, size: chunk.count, pos: position)
        let (produced, hint) = try output.withUnsafeMutableBytes { outputBytes in
            var out = ZSTD_outBuffer(dst: outputBytes.baseAddress, size: outputBytes.count, pos: 0)
            let result = ZSTD_decompressStream(stream, &out, &input)
            if ZSTD_isError(result) != 0 {
                throw ShardsError(
                    .corruptCompressedData, "\(source): zstd: \(String(cString: ZSTD_getErrorName(result)))")
            }
            return (out.pos, result)
        }
        // A step that neither read nor wrote (checking for held-back output after a frame ended exactly at a full
        // block) says nothing about frames: zstd then hints at the next frame's header.
        if input.pos > position || produced > 0 { isAtFrameBoundary = hint == 0 }
        position = input.pos
        mayHoldOutput = produced == output.count
        if produced > 0 { try output.withUnsafeBytes { try sink(UnsafeRawBufferPointer(rebasing: $0[0..<produced])) } }
    }

    /// Decompresses one chunk of input and passes each block of output to `sink`.
    /// - Parameter source: a name for the input, used in error messages.
    /// - Throws: `ShardsError` `.corruptCompressedData` naming the source and zstd's reason, or what `sink` throws.
    public func decompress(
        _ chunk: UnsafeRawBufferPointer, source: String, sink: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        var position = 0
        while hasPendingOutput(chunk, position: position) {
            try decompressStep(chunk, position: &position, source: source, sink: sink)
        }
    }

    /// Decompresses a whole buffer holding one or more complete frames, refusing to make more than `maxOutputBytes`.
    /// - Throws: `ShardsError` for corrupt or truncated data, `.decompressedTooLarge` past the limit.
    public static func decompress(_ data: [UInt8], source: String, maxOutputBytes: Int = .max) throws -> [UInt8] {
        let decompressor = ZstdDecompressor()
        var result: [UInt8] = []
        try data.withUnsafeBytes { bytes in
            try decompressor.decompress(bytes, source: source) { block in
                guard result.count + block.count <= maxOutputBytes else {
                    throw ShardsError(
                        .decompressedTooLarge,
                        "\(source): \(data.count) compressed bytes expand beyond the \(maxOutputBytes)-byte limit; refused"
                    )
                }
                result.append(contentsOf: block)
            }
        }
        guard decompressor.isAtFrameBoundary else {
            throw ShardsError(.truncatedCompressedData, "\(source): zstd data ends inside a frame")
        }
        return result
    }
}
