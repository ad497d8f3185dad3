import Foundation
import Synchronization

/// A `thinkstream` process running in the background, whose stderr lines a test can wait for, and which it can
/// SIGKILL.
public final class BackgroundCommand: Sendable {
    private let process: Process
    private let errorLines = Lines()

    private final class Lines: Sendable {
        let value = Mutex<[String]>([])
        func withLock<Result>(_ body: (inout [String]) -> Result) -> Result { value.withLock { body(&$0) } }
    }

    /// - Parameters:
    ///   - environment: added to this process's environment (and the embedded-broker profile), or, with
    ///     `inheritEnvironment` false, the whole environment of the child.
    ///   - executable: the binary to run (default: the built `thinkstream`).
    ///   - workingDirectory: the child's working directory (default: this process's).
    public init(
        _ arguments: [String], environment: [String: String] = [:], inheritEnvironment: Bool = true,
        executable: URL = FixturePaths.thinkstreamExecutable, workingDirectory: URL? = nil
    ) throws {
        process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = inheritEnvironment ? FixturePaths.childEnvironment(explicit: environment) : environment
        if let workingDirectory { process.currentDirectoryURL = workingDirectory }
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        let handle = errors.fileHandleForReading
        let lines = errorLines
        handle.readabilityHandler = { handle in
            let data = handle.availableData
            guard !data.isEmpty else {
                handle.readabilityHandler = nil
                return
            }
            lines.withLock { $0.append(contentsOf: String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)) }
        }
        try process.run()
    }

    public var isRunning: Bool { process.isRunning }
    public var exitCode: Int32 { process.terminationStatus }
    public var standardErrorLines: [String] { errorLines.withLock { $0 } }

    /// Waits (bounded) until a stderr line contains `text`; returns whether one did.
    public func waitForLine(containing text: String, timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if standardErrorLines.contains(where: { $0.contains(text) }) { return true }
            if !process.isRunning { return standardErrorLines.contains(where: { $0.contains(text) }) }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    /// Waits (bounded) for the process to exit; kills it when the time is up.
    public func waitForExit(timeout: Duration) async -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(100)) }
        if process.isRunning { kill() }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// SIGTERM, as `docker stop` sends; returns once the process exited or `timeout` passed (then SIGKILL).
    public func terminate(timeout: Duration) async -> Int32 {
        if process.isRunning { Glibc.kill(process.processIdentifier, SIGTERM) }
        return await waitForExit(timeout: timeout)
    }

    /// SIGKILL: no flush, no commit, no goodbye.
    public func kill() {
        if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}
