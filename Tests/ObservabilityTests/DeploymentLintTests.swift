import Foundation
import Testing
import ThinkStreamTesting
import Yams

@Suite struct DeploymentLintTests {
    static func read(_ path: String) throws -> String {
        try String(contentsOf: FixturePaths.packageRoot.appendingPathComponent(path), encoding: .utf8)
    }

    /// The Makefile's `NAME := value` / `NAME ?= value` variables, expanded.
    static func makeVariables() throws -> [String: String] {
        var raw: [String: String] = [:]
        for line in try read("Makefile").split(separator: "\n") {
            for separator in [" := ", " ?= ", " = "] {
                if let range = line.range(of: separator), !line.hasPrefix("\t"),
                    !line[..<range.lowerBound].contains(" ")
                {
                    raw[String(line[..<range.lowerBound])] = String(line[range.upperBound...])
                    break
                }
            }
        }
        return raw.mapValues { expand($0, raw) }
    }

    static func expand(_ text: String, _ variables: [String: String], depth: Int = 0) -> String {
        var result = text
        for (name, value) in variables where result.contains("$(\(name))") && depth < 8 {
            result = result.replacingOccurrences(of: "$(\(name))", with: expand(value, variables, depth: depth + 1))
        }
        return result
    }

    /// The recipe lines of a Makefile target, expanded.
    static func recipe(_ target: String) throws -> [String] {
        let variables = try makeVariables()
        let lines = try read("Makefile").split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(where: { $0.hasPrefix("\(target):") }) else { return [] }
        return lines[(start + 1)...].prefix { $0.hasPrefix("\t") }.map { expand(String($0.dropFirst()), variables) }
    }

    static func dockerRunLines() throws -> [String] {
        // Joins continuation lines, then keeps the RUN instructions' shell text.
        let joined = try read("docker/Dockerfile").replacingOccurrences(of: "\\\n", with: " ")
        return joined.split(separator: "\n").filter { $0.hasPrefix("RUN ") }.map {
            $0.dropFirst(4).split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        }
    }

    @Test func dockerfileBuildsExactlyAsTheMakefileDoes() throws {
        let makeBuild = try #require(try Self.recipe("build").first { $0.hasPrefix("swift build") })
        #expect(makeBuild == "swift build -c release --product thinkstream")
        #expect(try Self.dockerRunLines().contains(makeBuild))
    }

    @Test func dockerfileBuildStageInstallsTheMakefilesBuildPackages() throws {
        let packages = try #require(try Self.makeVariables()["BUILD_APT_PACKAGES"]).split(separator: " ").map(
            String.init)
        let install = try #require(try Self.dockerRunLines().first { $0.contains("librdkafka-dev") })
        #expect(packages.allSatisfy { install.contains(" \($0)") })
        let installed = install.components(separatedBy: "--no-install-recommends ").last?
            .components(separatedBy: " &&").first?.split(separator: " ").map(String.init)
        #expect(installed == packages)
    }

    @Test func dockerfileRunStageLinksLibrdkafkaWhereTheBinaryLooks() throws {
        let dockerfile = try Self.read("docker/Dockerfile")
        #expect(dockerfile.contains("FROM swift:6."))
        #expect(dockerfile.contains("FROM debian:bookworm-slim"))
        let run = try Self.dockerRunLines()
        #expect(run.contains { $0.contains("libopenblas0") && $0.contains("libzstd1") })
        #expect(run.contains { $0.contains("pip install") && $0.contains("confluent-kafka") })
        // Same wheel library the Makefile links into .deps/lib, linked into $ORIGIN/../lib/thinkstream of /usr/local/bin.
        let makeLink = try #require(try Self.recipe(".deps/lib/librdkafka.so.1").first { $0.hasPrefix("ln -sfn") })
        #expect(makeLink.contains("confluent_kafka.libs/librdkafka-*.so.1"))
        #expect(
            run.contains {
                $0.contains("confluent_kafka.libs/librdkafka-*.so.1")
                    && $0.contains("/usr/local/lib/thinkstream/librdkafka.so.1")
            })
        #expect(dockerfile.contains("/usr/local/bin/thinkstream"))
        #expect(try Self.read("Package.swift").contains("$ORIGIN/../lib/thinkstream"))
    }

    @Test func composeParsesWithTheExpectedServices() throws {
        let compose = try #require(try Yams.load(yaml: Self.read("docker/compose.yaml")) as? [String: Any])
        let services = try #require(compose["services"] as? [String: Any])
        #expect(Set(services.keys) == ["kafka", "feed", "augment", "serve", "train", "dashboard"])
        let kafka = try #require(services["kafka"] as? [String: Any])
        #expect((kafka["image"] as? String)?.hasPrefix("apache/kafka:") == true)
        let kafkaEnvironment = try #require(kafka["environment"] as? [String: Any])
        #expect((kafkaEnvironment["KAFKA_PROCESS_ROLES"] as? String)?.contains("controller") == true)
        #expect(kafka["healthcheck"] != nil)
        for name in ["feed", "augment", "train", "dashboard"] {
            let service = try #require(services[name] as? [String: Any])
            #expect(service["image"] as? String == "thinkstream:latest", "\(name)")
            let environment = try #require(service["environment"] as? [String: Any], "\(name)")
            #expect(environment["THINKSTREAM_KAFKA_BOOTSTRAP_SERVERS"] as? String == "kafka:9092", "\(name)")
            let dependsOn = try #require(service["depends_on"] as? [String: Any], "\(name)")
            #expect((dependsOn["kafka"] as? [String: Any])?["condition"] as? String == "service_healthy")
            if name != "feed" { #expect(service["healthcheck"] != nil, "\(name) has no healthcheck") }
        }
        let augment = try #require(services["augment"] as? [String: Any])
        #expect((augment["deploy"] as? [String: Any])?["replicas"] != nil)
        let feed = try #require(services["feed"] as? [String: Any])
        #expect((feed["build"] as? [String: Any])?["dockerfile"] as? String == "docker/Dockerfile")
        let dashboard = try #require(services["dashboard"] as? [String: Any])
        #expect((dashboard["ports"] as? [Any])?.first.map { "\($0)" }?.hasPrefix("127.0.0.1:") == true)
    }
}
