import Foundation
import Shards

/// Reads a file (or stdin) in large chunks, decompressing zstd when asked, and hands out complete lines.
///
/// Lines end at `\n`; a trailing `\r` is kept (it is part of the record's bytes). The last line may lack `\n`.
final class ChunkedFileReader {
    private let handle: FileHandle
    private let closeWhenDone: Bool
    private let decompressor: ZstdDecompressor?
    private let source: String
    private var buffer: [UInt8] = []
    private var start = 0
    private var finished = false
    /// Bytes read from the file so far (compressed bytes for zstd input), for progress.
    private(set) var bytesConsumed: Int64 = 0
    private static let chunkSizeBytes = 4 << 20

    /// - Throws: `PipelineError` `.unreadableInput` when the file cannot be opened.
    init(input: FeedInput) throws {
        source = input.path
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

    /// The next line without its `\n`, or nil at the end of input. The buffer is valid until the next call.
    /// - Throws: `PipelineError` for read errors or corrupt/truncated zstd data.
    func nextLine<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) throws -> Result? {
        while true {
            let lineStart = start
            let newline: Int? = buffer.withUnsafeBufferPointer { bytes in
                guard lineStart < bytes.count, let base = bytes.baseAddress,
                    let found = memchr(base + lineStart, 0x0A, bytes.count - lineStart)
                else { return nil }
                return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            }
            if let newline {
                start = newline + 1
                return try buffer.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[lineStart..<newline])) }
            }
            if finished {
                guard start < buffer.count else { return nil }
                let lineStart = start
                start = buffer.count
                return try buffer.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[lineStart...])) }
            }
            try fill()
        }
    }

    /// Everything that is left, for whole-file documents.
    func readAll() throws -> [UInt8] {
        while !finished { try fill() }
        return Array(buffer[start...])
    }

    private func fill() throws {
        if start > 0 {
            buffer.removeSubrange(0..<start)
            start = 0
        }
        let chunk: Data
        do {
            chunk = try handle.read(upToCount: Self.chunkSizeBytes) ?? Data()
        } catch {
            throw PipelineError(.unreadableInput, "\(source): read failed: \(error)", cause: error)
        }
        bytesConsumed += Int64(chunk.count)
        if chunk.isEmpty {
            finished = true
            if let decompressor, !decompressor.isAtFrameBoundary {
                throw PipelineError(.unreadableInput, "\(source): zstd data ends inside a frame (truncated file)")
            }
            return
        }
        if let decompressor {
            do {
                try chunk.withUnsafeBytes { bytes in
                    try decompressor.decompress(bytes, source: source) { buffer.append(contentsOf: $0) }
                }
            } catch {
                throw PipelineError(.unreadableInput, "\(error)", cause: error)
            }
        } else {
            buffer.append(contentsOf: chunk)
        }
    }
}
