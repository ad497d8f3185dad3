import Foundation
import Synchronization

/// A test hook: `THINKSTREAM_TEST_CRASH_AT=<point>[@<n>]` makes augment SIGKILL itself the n-th time (default the
/// first) it reaches the named point of a shard's transaction, so tests can crash it exactly there:
/// `after-shard-produced`, `after-offsets-sent`, `before-commit` (end markers flushed, commit not yet asked for),
/// `after-commit`. Unset, it costs one dictionary lookup per process.
public enum CrashHook {
    /// The points a test can name.
    public enum Point: String, CaseIterable, Sendable {
        case afterShardProduced = "after-shard-produced"
        case afterOffsetsSent = "after-offsets-sent"
        case beforeCommit = "before-commit"
        case afterCommit = "after-commit"
    }

    private static let armed: (point: String, occurrence: Int)? = {
        guard let value = ProcessInfo.processInfo.environment["THINKSTREAM_TEST_CRASH_AT"], !value.isEmpty else {
            return nil
        }
        let parts = value.split(separator: "@", maxSplits: 1)
        return (String(parts[0]), parts.count > 1 ? Int(parts[1]) ?? 1 : 1)
    }()
    private static let reached = Mutex<[String: Int]>([:])

    /// SIGKILLs the process when `point` is the armed one and this is its armed occurrence.
    public static func reach(_ point: Point) {
        guard let armed, armed.point == point.rawValue else { return }
        let count = reached.withLock { counts -> Int in
            counts[point.rawValue, default: 0] += 1
            return counts[point.rawValue]!
        }
        guard count == armed.occurrence else { return }
        FileHandle.standardError.write(Data("crash hook: SIGKILL at \(point.rawValue) (occurrence \(count))\n".utf8))
        kill(getpid(), SIGKILL)
    }
}
