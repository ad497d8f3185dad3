import Foundation

/// One input of `feed`: a file (JSONL, zstd-compressed JSONL or plain text) or standard input.
public struct FeedInput: Sendable, Equatable {
    public enum Format: String, Sendable {
        /// One JSON object per line.
        case jsonLines = "jsonl"
        /// JSON lines inside zstd frames (`.jsonl.zst`, `.zst`).
        case zstdJSONLines = "jsonl.zst"
        /// The whole file is one document.
        case plainText = "text"
    }

    /// A path, or `-` for standard input.
    public var path: String
    public var format: Format
    /// Size on disk, for progress; nil for stdin.
    public var sizeBytes: Int64?

    public init(path: String, format: Format, sizeBytes: Int64?) {
        self.path = path
        self.format = format
        self.sizeBytes = sizeBytes
    }

    /// The format a file name implies: `.jsonl`/`.ndjson`/`.json` lines, `.zst` compressed lines, anything else text.
    public static func format(forPath path: String) -> Format {
        let lower = path.lowercased()
        if lower.hasSuffix(".zst") || lower.hasSuffix(".zstd") { return .zstdJSONLines }
        if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") || lower.hasSuffix(".json") { return .jsonLines }
        return .plainText
    }

    /// Expands paths (files, directories recursively in name order, `-` for stdin) into inputs.
    /// - Parameter stdinFormat: how to read `-` (JSON lines unless told otherwise).
    /// - Throws: `PipelineError` `.unreadableInput` naming a path that does not exist.
    public static func expand(_ paths: [String], stdinFormat: Format = .jsonLines) throws -> [FeedInput] {
        var inputs: [FeedInput] = []
        let fileManager = FileManager.default
        for path in paths {
            if path == "-" {
                inputs.append(FeedInput(path: "-", format: stdinFormat, sizeBytes: nil))
                continue
            }
            var isDirectory: ObjCBool = false
            guard fileManager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw PipelineError(.unreadableInput, "\(path): no such file or directory")
            }
            if isDirectory.boolValue {
                guard let walker = fileManager.enumerator(atPath: path) else {
                    throw PipelineError(.unreadableInput, "\(path): cannot list the directory")
                }
                var files: [String] = []
                while let relative = walker.nextObject() as? String {
                    let full = (path as NSString).appendingPathComponent(relative)
                    var childIsDirectory: ObjCBool = false
                    if fileManager.fileExists(atPath: full, isDirectory: &childIsDirectory),
                        !childIsDirectory.boolValue,
                        !(relative as NSString).lastPathComponent.hasPrefix(".")
                    {
                        files.append(full)
                    }
                }
                for file in files.sorted() { inputs.append(try fileInput(file)) }
            } else {
                inputs.append(try fileInput(path))
            }
        }
        return inputs
    }

    private static func fileInput(_ path: String) throws -> FeedInput {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        let size = (attributes?[.size] as? NSNumber)?.int64Value
        return FeedInput(path: path, format: format(forPath: path), sizeBytes: size)
    }
}
