import Foundation
import Kafka
import Logging

/// Starts a private embedded broker on a free loopback port for the duration of `body`, then stops it.
/// - Throws: whatever `body` throws, or `KafkaError` if the broker does not start.
public func withBroker<Result>(_ body: (String) async throws -> Result) async throws -> Result {
    let state = FileManager.default.temporaryDirectory.appendingPathComponent("thinkstream-test-\(UUID().uuidString)").path
    let broker = try EmbeddedBroker(port: EmbeddedBroker.freePort(), stateDirectory: state)
    try broker.start(logger: TestLogging.logger)
    defer {
        broker.stop()
        try? FileManager.default.removeItem(atPath: state)
    }
    return try await body(broker.bootstrapServers)
}

/// A topic name no other test uses, created with `partitions` partitions.
public func withTestTopic<Result>(
    bootstrapServers: String, partitions: Int32 = 3, _ body: (String) async throws -> Result
) async throws -> Result {
    let topic = "test-\(UUID().uuidString.prefix(8).lowercased())"
    let admin = try KafkaAdmin(configuration: .init(bootstrapServers: bootstrapServers, profile: .embedded), logger: TestLogging.logger)
    try admin.createTopics([topic], partitions: partitions)
    return try await body(topic)
}

/// The logger tests hand to components: warnings and above, to stderr.
public enum TestLogging {
    public static let logger: Logger = {
        var logger = Logger(label: "thinkstream.test") { label in StreamLogHandler.standardError(label: label) }
        logger.logLevel = .warning
        return logger
    }()
}
