import Foundation
import Kafka
import Testing
import ThinkStreamTesting

/// Item 9 of the production issue: a whole run (feed → augment with the real engine → topics → config show) with
/// secrets in the environment, every log line at debug level, and every record the run wrote to Kafka (metrics
/// events, shards, dead letters) searched for them.
@Suite(.serialized, .tags(.integration))
struct SecretLeakTests {
    @Test func noSecretAppearsInAnyLogMetricsEventRecordOrConfigShowOfARun() async throws {
        let marker = UUID().uuidString.prefix(8).lowercased()
        let secrets = [
            "THINKSTREAM_KAFKA_LIBRDKAFKA_SSL_KEY_PASSWORD": "keypass-\(marker)",
            "THINKSTREAM_KAFKA_LIBRDKAFKA_SSL_KEYSTORE_PASSWORD": "storepass-\(marker)",
            "THINKSTREAM_KAFKA_LIBRDKAFKA_SASL_PASSWORD": "saslpass-\(marker)",
        ]
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("secret-run-\(marker)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let corpus = folder.appendingPathComponent("corpus.jsonl")
        try Data(
            """
            {"id": "s1", "text": "Tom has 3 apples and buys 4 more. How many apples does he have now?"}
            {"id": "s2", "text": "The mitochondria is the organelle that produces most of the cell's energy."}
            not json at all

            """.utf8
        ).write(to: corpus)
        try await withBroker { servers in
            let prefix = "secret-\(marker)"
            let common = ["--bootstrap-servers", servers, "--topic-prefix", prefix]
            var outputs: [(command: String, text: String)] = []
            func run(_ arguments: [String], timeout: Duration = .seconds(120)) throws {
                let result = try CommandRunner.run(arguments, environment: secrets, timeout: timeout)
                #expect(result.exitCode == 0, "\(arguments.first ?? ""): \(result.standardError.suffix(2000))")
                outputs.append(
                    (arguments.prefix(2).joined(separator: " "), result.standardOutput + result.standardError))
            }
            try run(["feed"] + common + ["--verbose", corpus.path])
            try run(
                ["augment"] + common + [
                    "--verbose", "--model", try ModelFixtures.modelPath("SmolLM2-135M-Instruct.Q4_1"), "--upsampling",
                    "natural",
                    "--max-thinking-tokens", "8", "--transactional-id", "secret-\(marker)", "--stop-when-idle", "5",
                    "--metrics-interval", "1",
                ], timeout: .seconds(300))
            try run(["topics"] + common)
            try run(["config", "show"])
            #expect(outputs.contains { $0.command.hasPrefix("augment") && $0.text.contains("shard committed") })
            #expect(
                outputs.contains {
                    $0.command == "config show" && $0.text.contains("kafka.librdkafka.sasl.password = ******")
                })

            // Every record of every topic of the run, raw.
            var records: [KafkaMessage] = []
            for topic in ["raw", "shards", "metrics", "dlq"] {
                records += try TopicReader.readAll(
                    servers: servers, topic: "\(prefix).\(topic)", expected: .max, timeout: .seconds(5), settle: .zero)
            }
            #expect(records.contains { $0.topic.hasSuffix(".metrics") }, "the run published metrics events")
            #expect(records.contains { $0.topic.hasSuffix(".dlq") }, "the bad line is a dead letter")
            for secret in secrets.values {
                for output in outputs { #expect(!output.text.contains(secret), "\(output.command) printed \(secret)") }
                let leaking = records.filter { record in
                    let bytes =
                        record.value + (record.key ?? []) + record.headers.flatMap { Array($0.name.utf8) + $0.value }
                    return String(decoding: bytes, as: UTF8.self).contains(secret)
                }
                #expect(leaking.isEmpty, "\(secret) in \(leaking.map { "\($0.topic)@\($0.offset)" })")
            }
        }
    }
}
