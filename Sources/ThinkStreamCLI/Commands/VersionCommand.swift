import ArgumentParser
import Kafka

/// `thinkstream version`: this build and the librdkafka it loaded.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version", abstract: "Print ThinkStream's version and the librdkafka in use.")

    func run() throws {
        _ = try CommandBootstrap.start(command: "version")
        print("thinkstream \(ThinkStreamCommand.version)")
        print("librdkafka \(RDKafkaLibrary.versionString) (\(RDKafkaLibrary.loadedPath ?? "unknown path"))")
    }
}
