import Foundation
import Synchronization

/// A `thinkstream` process running in the background, whose stderr (and stdout) lines a test can wait for, whose
/// stdin it can write when asked for, and which it can SIGKILL.
public final class BackgroundCommand: Sendable {
    private let process: Process
    private let errorLines = Lines()
    private let outputLines = Lines()
    private let input: Pipe?

    /// One output stream's lines, assembled from chunks that may end inside a line.
    private final class Lines: Sendable {
        let value = Mutex<[String]>([])
        private let unterminated = Mutex("")
        private let ended = Mutex(false)
        func withLock<Result>(_ body: (inout [String]) -> Result) -> Result { value.withLock { body(&$0) } }
        var hasEnded: Bool { ended.withLock { $0 } }

        /// Adds the complete lines of `data`; at the end of the stream (empty `data`), the unterminated rest too.
        func append(_ data: Data) {
            defer { if data.isEmpty { ended.withLock { $0 = true } } }
            unterminated.withLock { rest in
                var pieces = (rest + String(decoding: data, as: UTF8.self))
                    .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                rest = data.isEmpty ? "" : pieces.removeLast()
                value.withLock { $0.append(contentsOf: pieces.filter { !$0.isEmpty }) }
            }
        }
    }

    /// - Parameters:
    ///   - environment: added to this process's environment (and the embedded-broker profile), or, with
    ///     `inheritEnvironment` false, the whole environment of the child.
    ///   - executable: the binary to run (default: the built `thinkstream`).
    ///   - workingDirectory: the child's working directory (default: this process's).
    ///   - standardInput: give the child a pipe as stdin, written with ``writeInput(_:)`` and ended by
    ///     ``closeInput()``; otherwise stdin is /dev/null.
    public init(
        _ arguments: [String], environment: [String: String] = [:], inheritEnvironment: Bool = true,
        executable: URL = FixturePaths.thinkstreamExecutable, workingDirectory: URL? = nil, standardInput: Bool = false
    ) throws {
        process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = inheritEnvironment ? FixturePaths.childEnvironment(explicit: environment) : environment
        if let workingDirectory { process.currentDirectoryURL = workingDirectory }
        // A write after the child exited then throws EPIPE instead of killing the test.
        if standardInput { signal(SIGPIPE, SIG_IGN) }
        input = standardInput ? Pipe() : nil
        process.standardInput = input ?? FileHandle.nullDevice
        let outputs = [(Pipe(), outputLines, "stdout"), (Pipe(), errorLines, "stderr")]
        process.standardOutput = outputs[0].0
        process.standardError = outputs[1].0
        try process.run()
        for (pipe, lines, name) in outputs {
            // A reader thread with blocking reads, not a readabilityHandler: the handler's dispatch source, cancelled
            // asynchronously, can outlive the pipe's descriptor and crash libdispatch (it did, between two tests).
            let handle = pipe.fileHandleForReading
            let reader = Thread {
                while true {
                    let data = handle.availableData
                    lines.append(data)
                    if data.isEmpty { return }
                }
            }
            reader.name = "thinkstream.test.\(name)"
            reader.start()
        }
    }

    public var isRunning: Bool { process.isRunning }
    public var exitCode: Int32 { process.terminationStatus }
    public var standardErrorLines: [String] { errorLines.withLock { $0 } }
    public var standardOutputLines: [String] { outputLines.withLock { $0 } }

    /// Writes to the child's stdin (only with `standardInput: true`).
    public func writeInput(_ bytes: [UInt8]) throws {
        guard let input else { preconditionFailure("BackgroundCommand: started without standardInput") }
        try input.fileHandleForWriting.write(contentsOf: Data(bytes))
    }

    /// Ends the child's stdin.
    public func closeInput() throws { try input?.fileHandleForWriting.close() }

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
        waitForEndOfOutput()
        return process.terminationStatus
    }

    /// Waits (bounded) until both output pipes reached their end, so the lines are complete once the process exited.
    private func waitForEndOfOutput() {
        let deadline = ContinuousClock.now + .seconds(5)
        while !(outputLines.hasEnded && errorLines.hasEnded), ContinuousClock.now < deadline { usleep(10_000) }
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
        waitForEndOfOutput()
    }
}
