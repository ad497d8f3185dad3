// Checkpoint files on disk: the only file in Training that does I/O (Foundation and POSIX calls live here only).
// Files are `<directory>/checkpoint-<step, 12 digits>.tsck`; each save is atomic (temp file in the same directory,
// fsync, rename, fsync the directory), so a kill -9 leaves either the old set or the old set plus the new file.
import Foundation

/// Saves ``TrainingCheckpoint`` files atomically, keeps the newest ``keepLast``, and loads the newest valid one.
public struct CheckpointStore: Sendable {
    /// The directory holding the checkpoint files.
    public let directory: String
    /// How many checkpoints ``save(_:)`` keeps.
    public let keepLast: Int

    /// A newest-valid load: the checkpoint, its file, and the newer files that were rejected.
    public struct Loaded: Sendable {
        /// The decoded checkpoint.
        public var checkpoint: TrainingCheckpoint
        /// Its file.
        public var path: String
        /// One error per newer file that failed to decode, each naming its file.
        public var rejected: [TrainingError]
    }

    /// Creates a store; the directory is created on the first save.
    ///
    /// - Parameters:
    ///   - directory: where checkpoint files live.
    ///   - keepLast: how many to keep, at least 1.
    public init(directory: String, keepLast: Int = 3) {
        precondition(keepLast >= 1, "CheckpointStore keepLast must be at least 1, got \(keepLast)")
        self.directory = directory
        self.keepLast = keepLast
    }

    /// The file name for a step.
    public static func fileName(step: Int) -> String {
        "checkpoint-" + String(repeating: "0", count: max(0, 12 - String(step).count)) + String(step) + ".tsck"
    }

    /// Writes `checkpoint` atomically, then deletes all but the newest ``keepLast`` files.
    ///
    /// - Parameters:
    ///   - checkpoint: the state to save.
    /// - Returns: the path written.
    /// - Throws: `TrainingError` `.checkpointIO` naming the path and the failing call.
    @discardableResult
    public func save(_ checkpoint: TrainingCheckpoint) throws -> String {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw TrainingError(
                .checkpointIO, "\(directory): cannot create checkpoint directory; check permissions", cause: error)
        }
        let path = directory + "/" + Self.fileName(step: checkpoint.step)
        let temporary = directory + "/.tmp-\(getpid())-" + Self.fileName(step: checkpoint.step)
        let bytes = checkpoint.encoded()
        let fd = open(temporary, O_CREAT | O_WRONLY | O_TRUNC, 0o644)
        guard fd >= 0 else { throw posixError("open", temporary) }
        var written = 0
        let writeFailed: Bool = bytes.withUnsafeBytes { buffer in
            while written < buffer.count {
                let n = write(fd, buffer.baseAddress! + written, buffer.count - written)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return true }
                written += n
            }
            return false
        }
        if writeFailed || fsync(fd) != 0 {
            let error = posixError(writeFailed ? "write" : "fsync", temporary)
            close(fd)
            unlink(temporary)
            throw error
        }
        close(fd)
        guard rename(temporary, path) == 0 else {
            let error = posixError("rename", path)
            unlink(temporary)
            throw error
        }
        try syncDirectory()
        try prune()
        return path
    }

    /// Reads and verifies one checkpoint file.
    ///
    /// - Parameters:
    ///   - path: the file.
    /// - Throws: `TrainingError` `.checkpointIO` when unreadable, `.corruptCheckpoint` naming the file when invalid.
    public func load(path: String) throws -> TrainingCheckpoint {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TrainingError(.checkpointIO, "\(path): cannot read checkpoint file; check it exists and is readable")
        }
        return try TrainingCheckpoint(decoding: [UInt8](data), name: path)
    }

    /// Loads the newest checkpoint that decodes and verifies, skipping (and reporting) newer invalid files.
    ///
    /// - Returns: the checkpoint with its path and the rejected files, or `nil` when no file is valid.
    /// - Throws: `TrainingError` `.checkpointIO` when the directory cannot be listed.
    public func loadNewestValid() throws -> Loaded? {
        var rejected: [TrainingError] = []
        for path in try checkpointPaths().reversed() {
            do {
                return Loaded(checkpoint: try load(path: path), path: path, rejected: rejected)
            } catch let error as TrainingError {
                rejected.append(error)
            }
        }
        return nil
    }

    /// Checkpoint files in this directory, oldest step first.
    public func checkpointPaths() throws -> [String] {
        guard FileManager.default.fileExists(atPath: directory) else { return [] }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw TrainingError(.checkpointIO, "\(directory): cannot list checkpoint directory", cause: error)
        }
        return names.filter { $0.hasPrefix("checkpoint-") && $0.hasSuffix(".tsck") }.sorted().map {
            directory + "/" + $0
        }
    }

    func prune() throws {
        let paths = try checkpointPaths()
        for path in paths.dropLast(keepLast) where unlink(path) != 0 {
            throw posixError("unlink", path)
        }
    }

    func syncDirectory() throws {
        let fd = open(directory, O_RDONLY)
        guard fd >= 0 else { throw posixError("open", directory) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw posixError("fsync", directory) }
    }

    func posixError(_ call: String, _ path: String) -> TrainingError {
        TrainingError(
            .checkpointIO,
            "\(path): \(call) failed: \(String(cString: strerror(errno))); check free space and permissions")
    }
}
