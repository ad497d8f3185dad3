import BrokerLauncher
import Foundation
import Kafka
import Testing
import ThinkStreamTesting
import Yams

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Item 2 of the production issue, without a Docker engine: every ThinkStream service of `docker/compose.yaml` runs
/// with its own command line and environment (compose's `${VAR:-default}` expanded) against the real binary, in a
/// temporary tree laid out like the image: the binary at `usr/local/bin`, librdkafka where its run path looks, the
/// compose volumes at their container paths (host folders linked, named volumes created), a clean environment and
/// the image's working directory. The one change: the broker is the embedded one, with its profile. The job (`feed`)
/// must exit 0; every other service must pass its own health check, then stop on SIGTERM.
@Suite(.serialized, .tags(.integration))
struct ComposeSmokeTests {
    struct Service {
        var name: String
        var command: [String]
        var environment: [String: String]
        /// Container path → host path (bind mounts) or nil (named volumes).
        var volumes: [(target: String, source: String?)]
        var healthURL: String?
        var isJob: Bool
    }

    static let composeDirectory = FixturePaths.packageRoot.appendingPathComponent("docker")

    /// `${NAME:-default}` → default (the variables are unset here).
    static func expand(_ text: String) -> String {
        var result = text
        while let start = result.range(of: "${"),
            let end = result.range(of: "}", range: start.upperBound..<result.endIndex)
        {
            let inner = result[start.upperBound..<end.lowerBound]
            let fallback = inner.range(of: ":-").map { String(inner[$0.upperBound...]) } ?? ""
            result.replaceSubrange(start.lowerBound..<end.upperBound, with: fallback)
        }
        return result
    }

    static func services() throws -> [Service] {
        let text = try String(contentsOf: composeDirectory.appendingPathComponent("compose.yaml"), encoding: .utf8)
        let root = try #require(try Yams.load(yaml: text) as? [String: Any])
        let services = try #require(root["services"] as? [String: Any])
        return services.keys.sorted().compactMap { name -> Service? in
            guard let service = services[name] as? [String: Any], (service["image"] as? String) == "thinkstream:latest"
            else { return nil }
            let environment = (service["environment"] as? [String: Any] ?? [:]).mapValues { expand("\($0)") }
            let volumes = (service["volumes"] as? [String] ?? []).map { entry -> (String, String?) in
                let parts = expand(entry).split(separator: ":").map(String.init)
                let isBind = parts[0].hasPrefix(".") || parts[0].hasPrefix("/")
                return (
                    parts[1], isBind ? composeDirectory.appendingPathComponent(parts[0]).standardizedFileURL.path : nil
                )
            }
            let healthTest = (service["healthcheck"] as? [String: Any])?["test"] as? [String]
            return Service(
                name: name, command: service["command"] as? [String] ?? [], environment: environment, volumes: volumes,
                healthURL: healthTest?.last { $0.hasPrefix("http") }, isJob: (service["restart"] as? String) == "no")
        }
    }

    /// The image's layout under a temporary root.
    struct ContainerTree {
        let root: URL
        var binary: URL { root.appendingPathComponent("usr/local/bin/thinkstream") }
        var home: URL { root.appendingPathComponent("home/thinkstream") }

        init() throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent(
                "compose-\(UUID().uuidString.prefix(8))")
            let manager = FileManager.default
            for folder in ["usr/local/bin", "usr/local/lib/thinkstream", "home/thinkstream"] {
                try manager.createDirectory(at: root.appendingPathComponent(folder), withIntermediateDirectories: true)
            }
            try manager.copyItem(at: FixturePaths.thinkstreamExecutable, to: binary)
            try manager.createSymbolicLink(
                at: root.appendingPathComponent("usr/local/lib/thinkstream/librdkafka.so.1"),
                withDestinationURL: FixturePaths.packageRoot.appendingPathComponent(".deps/lib/librdkafka.so.1")
                    .resolvingSymlinksInPath())
        }

        /// Mounts a service's volumes: host folders linked at their container paths, named volumes as empty folders.
        func mount(_ volumes: [(target: String, source: String?)]) throws {
            for (target, source) in volumes {
                let path = root.appendingPathComponent(String(target.dropFirst()))
                guard !FileManager.default.fileExists(atPath: path.path) else { continue }
                try FileManager.default.createDirectory(
                    at: path.deletingLastPathComponent(), withIntermediateDirectories: true)
                if let source {
                    try FileManager.default.createSymbolicLink(
                        at: path, withDestinationURL: URL(fileURLWithPath: source))
                } else {
                    try FileManager.default.createDirectory(at: path, withIntermediateDirectories: true)
                }
            }
        }

        /// A container path as seen in the tree.
        func translate(_ value: String, volumes: [(target: String, source: String?)]) -> String {
            for (target, _) in volumes where value == target || value.hasPrefix(target + "/") {
                return root.path + value
            }
            return value
        }

        func remove() { try? FileManager.default.removeItem(at: root) }
    }

    @Test func everyComposeServiceReachesItsRunningStateFromItsOwnCommandLineAndEnvironment() async throws {
        let services = try Self.services()
        #expect(Set(services.map(\.name)) == ["augment", "dashboard", "feed", "serve", "train"])
        let tree = try ContainerTree()
        defer { tree.remove() }
        try await withBroker { servers in
            // The job first, so the long-running services find topics and records.
            for service in services.sorted(by: { $0.isJob && !$1.isJob }) {
                try await run(service, in: tree, servers: servers)
            }
        }
    }

    /// The image builds from the repository as it is: the build stage's `COPY` lines, copied into an empty folder as
    /// Docker sends them, hold every file `Package.swift` declares (SwiftPM loads the package there as `swift build`
    /// in the image would; a target folder left out fails it, as `Benchmarks/` and `scripts/` once did).
    @Test func theBuildStagesCopiesHoldEveryTargetThePackageDeclares() throws {
        let dockerfile = try String(
            contentsOf: Self.composeDirectory.appendingPathComponent("Dockerfile"), encoding: .utf8)
        let buildStage = try #require(dockerfile.components(separatedBy: "\nFROM ").first { $0.contains(" AS build") })
        let copies = buildStage.split(separator: "\n").filter { $0.hasPrefix("COPY ") && !$0.contains("--from") }
            .map { $0.split(separator: " ").dropFirst().dropLast().map(String.init) }.flatMap { $0 }
        #expect(copies.contains("Package.swift") && copies.contains("Sources"))
        let context = FileManager.default.temporaryDirectory.appendingPathComponent(
            "docker-context-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: context, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: context) }
        for path in copies {
            try FileManager.default.copyItem(
                at: FixturePaths.packageRoot.appendingPathComponent(path), to: context.appendingPathComponent(path))
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["swift", "package", "describe", "--type", "json"]
        process.currentDirectoryURL = context
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "the image's build context cannot load the package: \(message)")
    }

    private func run(_ service: Service, in tree: ContainerTree, servers: String) async throws {
        try tree.mount(service.volumes)
        // Each container has its own ports; here the services share the host's, so each health port moves to a free one.
        var healthURL = service.healthURL
        var portMap: [String: String] = [:]
        if let url = healthURL.flatMap(URL.init(string:)), let port = url.port {
            let free = String(EmbeddedBroker.freePort())
            portMap[String(port)] = free
            healthURL = healthURL?.replacingOccurrences(of: ":\(port)/", with: ":\(free)/")
        }
        let arguments = service.command.map { portMap[$0] ?? tree.translate($0, volumes: service.volumes) }
        var environment = service.environment.mapValues { portMap[$0] ?? tree.translate($0, volumes: service.volumes) }
        #expect(
            environment["THINKSTREAM_KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092",
            "\(service.name) is pointed at the compose broker")
        environment["THINKSTREAM_KAFKA_BOOTSTRAP_SERVERS"] = servers
        environment["THINKSTREAM_KAFKA_PROFILE"] = "embedded"
        environment["PATH"] = "/usr/local/bin:/usr/bin:/bin"
        environment["HOME"] = tree.home.path
        environment["OPENBLAS_CORETYPE"] = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] ?? "Haswell"
        let process = try BackgroundCommand(
            arguments, environment: environment, inheritEnvironment: false, executable: tree.binary,
            workingDirectory: tree.home)
        if service.isJob {
            let status = await process.waitForExit(timeout: .seconds(120))
            #expect(status == 0, "\(service.name) exited \(status): \(process.standardErrorLines.suffix(5))")
            return
        }
        let url = try #require(healthURL.flatMap(URL.init(string:)), "\(service.name) has no HTTP health check")
        let deadline = ContinuousClock.now + .seconds(240)
        var healthy = false
        while !healthy, process.isRunning, ContinuousClock.now < deadline {
            if let (_, response) = try? await URLSession.shared.data(from: url),
                (response as? HTTPURLResponse)?.statusCode == 200
            {
                healthy = true
            } else {
                try await Task.sleep(for: .milliseconds(250))
            }
        }
        #expect(
            healthy, "\(service.name) never passed its health check \(url): \(process.standardErrorLines.suffix(8))")
        let status = await process.terminate(timeout: .seconds(60))
        #expect(status != 137, "\(service.name) did not stop on SIGTERM within 60 s")
    }
}
