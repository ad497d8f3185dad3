import Foundation
import Kafka

/// Reads test topics back.
public enum TopicReader {
    /// Reads `expected` records with a fresh consumer group, or whatever arrived when `timeout` ends; then keeps
    /// polling for `settle` to catch records beyond the expected count (duplicates).
    public static func readAll(
        servers: String, topic: String, expected: Int, timeout: Duration = .seconds(60),
        settle: Duration = .milliseconds(500)
    ) throws -> [KafkaMessage] {
        let consumer = try KafkaConsumer(
            configuration: .init(
                client: .init(bootstrapServers: servers, profile: .embedded), groupID: "reader-\(UUID().uuidString)"),
            logger: TestLogging.logger)
        defer { consumer.close() }
        try consumer.subscribe([topic])
        var messages: [KafkaMessage] = []
        let deadline = ContinuousClock.now + timeout
        while messages.count < expected, ContinuousClock.now < deadline {
            if case .message(let message)? = try consumer.poll(timeout: .milliseconds(100)) { messages.append(message) }
        }
        let settleDeadline = ContinuousClock.now + settle
        while ContinuousClock.now < settleDeadline {
            if case .message(let message)? = try consumer.poll(timeout: .milliseconds(50)) { messages.append(message) }
        }
        return messages
    }
}
