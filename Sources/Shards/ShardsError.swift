/// An error reading or writing shard data (zstd frames, checksums, records).
public struct ShardsError: Error, CustomStringConvertible, Sendable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let corruptCompressedData = Code("corrupt_compressed_data")
        public static let truncatedCompressedData = Code("truncated_compressed_data")
        public static let compressionFailed = Code("compression_failed")
        public static let malformedShard = Code("malformed_shard")
        public static let checksumMismatch = Code("checksum_mismatch")
        /// Compressed data expands beyond the caller's limit (a decompression bomb or a mislabelled record).
        public static let decompressedTooLarge = Code("decompressed_too_large")
    }

    public var code: Code
    public var message: String
    public var file: String
    public var line: Int

    public init(_ code: Code, _ message: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.message = message
        self.file = file
        self.line = line
    }

    public var description: String { message }
}
