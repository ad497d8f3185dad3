import Foundation
import Shards

/// Reads a file (or stdin) in large chunks, decompressing zstd when asked, and hands out complete lines.
///
/// Lines end at `\n`; a trailing `\r` is kept (it is part of the record's bytes). The last line may lack `\n`.
/// Memory stays bounded whatever the input: zstd output is pulled one block at a time, a line longer than
/// `maxLineBytes` is skipped to its end (reported as ``Line/oversized(prefix:byteCount:)``), and ``readAll(maxBytes:)``
/// stops reading past its limit.
final class ChunkedFileReader {
    /// One line of input.
    enum Line {
        /// A whole line without its `\n`; valid until the next call.
        case complete(UnsafeBufferPointer<UInt8>)
        /// A line over the limit, skipped: its first bytes (for a dead letter) and its full length.
        case oversized(prefix: UnsafeBufferPointer<UInt8>, byteCount: Int)
    }

    private let handle: FileHandle
    private let closeWhenDone: Bool
    private let decompressor: ZstdDecompressor?
    private let source: String
    private let maxLineBytes: Int
    private var buffer: [UInt8] = []
    private var start = 0
    /// Where the search for the next `\n` resumes (bytes before it, from `start`, hold none).
    private var scanned = 0
    private var finished = false
    /// The compressed chunk being decompressed and the read position in it.
    private var compressed: [UInt8] = []
    private var compressedPosition = 0
    /// Bytes read from the file so far (compressed bytes for zstd input), for progress.
    private(set) var bytesConsumed: Int64 = 0
    private static let chunkSizeBytes = 4 << 20
    /// How much of an oversized line is kept for its dead letter.
    static let oversizedPrefixBytes = 64 << 10

    /// - Parameter maxLineBytes: a longer line is skipped and reported as oversized.
    /// - Throws: `PipelineError` `.unreadableInput` when the file cannot be opened.
    init(input: FeedInput, maxLineBytes: Int = .max) throws {
        source = input.path
        self.maxLineBytes = maxLineBytes
        if input.path == "-" {
            handle = FileHandle.standardInput
            closeWhenDone = false
        } else {
            guard let opened = FileHandle(forReadingAtPath: input.path) else {
                throw PipelineError(.unreadableInput, "\(input.path): cannot open for reading")
            }
            handle = opened
            closeWhenDone = true
        }
        decompressor = input.format == .zstdJSONLines ? ZstdDecompressor() : nil
    }

    deinit { if closeWhenDone { try? handle.close() } }

    /// The next line, or nil at the end of input.
    /// - Throws: `PipelineError` for read errors or corrupt/truncated zstd data.
    func nextLine<Result>(_ body: (Line) throws -> Result) throws -> Result? {
        while true {
            if let newline = findNewline() {
                let lineStart = start
                start = newline + 1
                scanned = start
                return try buffer.withUnsafeBufferPointer { bytes in
                    let line = UnsafeBufferPointer(rebasing: bytes[lineStart..<newline])
                    guard line.count > maxLineBytes else { return try body(.complete(line)) }
                    return try body(
                        .oversized(
                            prefix: UnsafeBufferPointer(rebasing: line.prefix(Self.oversizedPrefixBytes)),
                            byteCount: line.count))
                }
            }
            if buffer.count - start > maxLineBytes { return try skipOversizedLine(body) }
            if finished {
                guard start < buffer.count else { return nil }
                let lineStart = start
                start = buffer.count
                scanned = start
                return try buffer.withUnsafeBufferPointer {
                    try body(.complete(UnsafeBufferPointer(rebasing: $0[lineStart...])))
                }
            }
            try fill()
        }
    }

    /// Everything that is left, for whole-file documents, or nil (having read a little past it) when it exceeds
    /// `maxBytes`; `bytesConsumed` then tells how far the reading went.
    func readAll(maxBytes: Int = .max) throws -> [UInt8]? {
        while !finished {
            if buffer.count - start > maxBytes { return nil }
            try fill()
        }
        return buffer.count - start > maxBytes ? nil : Array(buffer[start...])
    }

    /// The index of the next `\n` at or after `start`, searching only bytes not searched before.
    private func findNewline() -> Int? {
        let from = max(scanned, start)
        let found: Int? = buffer.withUnsafeBufferPointer { bytes in
            guard from < bytes.count, let base = bytes.baseAddress,
                let hit = memchr(base + from, 0x0A, bytes.count - from)
            else { return nil }
            return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
        }
        if found == nil { scanned = buffer.count }
        return found
    }

    /// Keeps the line's first bytes, drops the rest as it arrives up to its `\n` (or the end), and reports it.
    private func skipOversizedLine<Result>(_ body: (Line) throws -> Result) throws -> Result? {
        let prefix = Array(buffer[start..<(start + min(Self.oversizedPrefixBytes, buffer.count - start))])
        var byteCount = buffer.count - start
        buffer.removeAll(keepingCapacity: true)
        start = 0
        scanned = 0
        while true {
            if let newline = findNewline() {
                byteCount += newline
                start = newline + 1
                scanned = start
                break
            }
            byteCount += buffer.count
            buffer.removeAll(keepingCapacity: true)
            start = 0
            scanned = 0
            if finished { break }
            try fill()
        }
        return try prefix.withUnsafeBufferPointer { try body(.oversized(prefix: $0, byteCount: byteCount)) }
    }

    /// Appends the next piece of input: one decompressed block (zstd) or one chunk (plain).
    private func fill() throws {
        if start > 0 {
            buffer.removeSubrange(0..<start)
            scanned -= start
            start = 0
        }
        if let decompressor {
            let pending = compressed.withUnsafeBytes { decompressor.hasPendingOutput($0, position: compressedPosition) }
            if pending {
                do {
                    try compressed.withUnsafeBytes { bytes in
                        try decompressor.decompressStep(bytes, position: &compressedPosition, source: source) {
                            buffer.append(contentsOf: $0)
                        }
                    }
                } catch {
                    throw PipelineError(.unreadableInput, "\(error)", cause: error)
                }
                return
            }
        }
        let chunk = try readChunk()
        if chunk.isEmpty {
            finished = true
            if let decompressor, !decompressor.isAtFrameBoundary {
                throw PipelineError(.unreadableInput, "\(source): zstd data ends inside a frame (truncated file)")
            }
        } else if decompressor != nil {
            compressed = chunk
            compressedPosition = 0
        } else {
            buffer.append(contentsOf: chunk)
        }
    }

    /// One `read(2)` of up to a chunk: a pipe answers with what was written so far, so `feed -` produces lines as
    /// they arrive (`FileHandle.read(upToCount:)` waits for the whole 4 MiB or the end of input).
    private func readChunk() throws -> [UInt8] {
        let descriptor = handle.fileDescriptor
        let chunk = try [UInt8](unsafeUninitializedCapacity: Self.chunkSizeBytes) { bytes, initializedCount in
            initializedCount = 0
            while true {
                let count = read(descriptor, bytes.baseAddress, bytes.count)
                if count >= 0 {
                    initializedCount = count
                    return
                }
                guard errno == EINTR else {
                    throw PipelineError(.unreadableInput, "\(source): read failed: \(String(cString: strerror(errno)))")
                }
            }
        }
        bytesConsumed += Int64(chunk.count)
        return chunk
    }
}
