import Foundation
import ThinkStreamTesting

/// Runs the built `thinkstream` executable for end-to-end checks; output goes through temporary files, so a chatty
/// child never blocks on a full pipe.
enum CommandRunner {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `thinkstream arguments...` to completion, terminating it after `timeout`.
    static func run(
        _ arguments: [String], environment: [String: String] = [:], timeout: Duration = .seconds(60)
    ) throws -> Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "thinkstream-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let outputFile = directory.appendingPathComponent("stdout")
        let errorFile = directory.appendingPathComponent("stderr")
        let process = try start(arguments, environment: environment, stdout: outputFile, stderr: errorFile)
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline { usleep(20_000) }
        stop(process)
        return Result(
            status: process.terminationStatus, stdout: (try? String(contentsOf: outputFile, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: errorFile, encoding: .utf8)) ?? "")
    }

    /// Starts `thinkstream arguments...` in the background, writing its output to the given files.
    static func start(_ arguments: [String], environment: [String: String] = [:], stdout: URL, stderr: URL) throws
        -> Process
    {
        let process = Process()
        process.executableURL = FixturePaths.thinkstreamExecutable
        process.arguments = arguments
        process.environment = FixturePaths.childEnvironment(
            base: ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("THINKSTREAM_") },
            explicit: environment)
        _ = FileManager.default.createFile(atPath: stdout.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderr.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: stdout)
        process.standardError = try FileHandle(forWritingTo: stderr)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// SIGTERM, then SIGKILL if it has not exited after `timeout`.
    static func stop(_ process: Process, timeout: Duration = .seconds(10)) {
        if process.isRunning { process.terminate() }
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}
