import Foundation

/// Runs the `thinkstream` executable as a user would, with a time limit.
public enum CommandRunner {
    public struct Result: Sendable {
        public var exitCode: Int32
        public var standardOutput: String
        public var standardError: String
    }

    /// - Parameters:
    ///   - input: bytes for standard input (closed when nil).
    ///   - timeout: the process is killed after this long (its exit code is then 137).
    public static func run(
        _ arguments: [String], input: [UInt8]? = nil, environment: [String: String] = [:],
        timeout: Duration = .seconds(120)
    ) throws -> Result {
        let process = Process()
        process.executableURL = FixturePaths.thinkstreamExecutable
        process.arguments = arguments
        process.environment = FixturePaths.childEnvironment(explicit: environment)
        let output = Pipe()
        let errors = Pipe()
        let standardInput = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = standardInput
        try process.run()
        if let input { standardInput.fileHandleForWriting.write(Data(input)) }
        try standardInput.fileHandleForWriting.close()
        let collected = CollectedOutput()
        let readers = DispatchGroup()
        for (pipe, isError) in [(output, false), (errors, true)] {
            readers.enter()
            DispatchQueue.global().async {
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                collected.store(data, isError: isError)
                readers.leave()
            }
        }
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now > deadline {
                process.terminate()
                kill(process.processIdentifier, SIGKILL)
                break
            }
            usleep(20_000)
        }
        process.waitUntilExit()
        readers.wait()
        return Result(
            exitCode: process.terminationStatus, standardOutput: collected.text(isError: false),
            standardError: collected.text(isError: true))
    }

    private final class CollectedOutput: @unchecked Sendable {  // guarded by `lock`
        private let lock = NSLock()
        private var output = Data()
        private var errors = Data()
        func store(_ data: Data, isError: Bool) {
            lock.lock()
            defer { lock.unlock() }
            if isError { errors = data } else { output = data }
        }
        func text(isError: Bool) -> String {
            lock.lock()
            defer { lock.unlock() }
            return String(decoding: isError ? errors : output, as: UTF8.self)
        }
    }
}
