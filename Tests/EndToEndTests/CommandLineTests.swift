import BrokerLauncher
import Foundation
import Kafka
import Testing
import ThinkStreamTesting

@Suite(.serialized, .tags(.integration))
struct CommandLineTests {
    @Test func versionNamesALibrdkafkaOfAtLeastTwoPointTwo() throws {
        let result = try CommandRunner.run(["version"])
        #expect(result.exitCode == 0)
        let line = result.standardOutput.split(separator: "\n").first { $0.hasPrefix("librdkafka ") }
        let version = line?.split(separator: " ")[1].split(separator: ".").compactMap { Int($0) } ?? []
        #expect(version.count >= 2 && (version[0], version[1]) >= (2, 2), "\(result.standardOutput)")
    }

    @Test func unreachableBrokerFailsWithinTheTimeoutWithExitCode69() throws {
        let port = EmbeddedBroker.freePort()
        let result = try CommandRunner.run(
            ["feed", "--bootstrap-servers", "127.0.0.1:\(port)", "--request-timeout", "2", "-"],
            input: Array(#"{"text": "never sent"}"#.utf8), timeout: .seconds(60))
        #expect(result.exitCode == 69)
        #expect(result.standardError.contains("error: no broker at 127.0.0.1:\(port)"), "\(result.standardError)")
    }

    @Test func brokerStartsAnswersAndStopsOnlyItsOwnProcess() throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("cli-broker-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: state) }
        let port = "\(EmbeddedBroker.freePort())"
        let environment = ["THINKSTREAM_STATE_DIR": state]
        let start = try CommandRunner.run(["broker", "start", "--port", port], environment: environment)
        #expect(start.exitCode == 0, "\(start.standardError)")
        #expect(start.standardOutput.contains("THINKSTREAM_KAFKA_PROFILE=embedded"), "\(start.standardOutput)")
        #expect(try CommandRunner.run(["broker", "status", "--port", port], environment: environment).exitCode == 0)
        let stop = try CommandRunner.run(["broker", "stop", "--port", port], environment: environment)
        #expect(stop.standardOutput.contains("stopped"))
        #expect(try CommandRunner.run(["broker", "status", "--port", port], environment: environment).exitCode == 69)
        #expect(
            try CommandRunner.run(["broker", "stop", "--port", port], environment: environment).standardOutput.contains(
                "no broker"))
    }

    @Test func feedFromStandardInputPrintsTheSummaryAndTopicsCountsIt() async throws {
        try await withBroker { servers in
            let input = Array(
                """
                {"id": "a", "text": "first"}
                {"id": "b", "text": "second"}
                {"id": "c", "text": "first"}
                not json

                """.utf8)
            let feed = try CommandRunner.run(
                ["feed", "--bootstrap-servers", servers, "--topic-prefix", "cli", "-"], input: input)
            #expect(feed.exitCode == 0, "\(feed.standardError)")
            #expect(
                feed.standardOutput.contains("read 4, produced 2, duplicates 1, dead-lettered 1"),
                "\(feed.standardOutput)")
            #expect(feed.standardError.contains("feed: -:4: malformed_json"), "\(feed.standardError)")
            let topics = try CommandRunner.run(["topics", "--bootstrap-servers", servers, "--topic-prefix", "cli"])
            #expect(topics.exitCode == 0, "\(topics.standardError)")
            #expect(topics.standardOutput.contains("cli.raw: 2 records in 3 partitions"), "\(topics.standardOutput)")
            #expect(topics.standardOutput.contains("cli.dlq: 1 records in 3 partitions"), "\(topics.standardOutput)")
        }
    }

    @Test func augmentRefusesAnUnusableMethodBeforeTouchingKafka() throws {
        let unreachable = ["--bootstrap-servers", "127.0.0.1:\(EmbeddedBroker.freePort())", "--request-timeout", "2"]
        for (arguments, message) in [
            (["--max-thinking-tokens", "0"], "--max-thinking-tokens 0: must be at least 1"),
            (["--template-version", "9"], "prompt template 'tpt-default' version 9: unknown"),
            (["--no-repeat-ngram", "1"], "sampling.noRepeatNGramTokens 1 must be 0 (off) or >= 2"),
            (
                ["--upsampling", "sometimes"],
                "The value 'sometimes' is invalid for '--upsampling <upsampling>'. Please provide one of 'tiered' and 'natural'"
            ),
            (
                ["--cap-policy", "keepAndClose"],
                "The value 'keepAndClose' is invalid for '--cap-policy <cap-policy>'. Please provide one of 'drop' and 'keep-and-close'"
            ),
        ] {
            let result = try CommandRunner.run(["augment"] + unreachable + arguments, timeout: .seconds(60))
            #expect(result.exitCode == 64, "\(arguments): \(result.standardError)")
            #expect(result.standardError.contains(message), "\(arguments): \(result.standardError)")
        }
    }

    @Test func anUnknownBrokerProfileIsRefusedByNameFromTheFlagAndTheEnvironment() throws {
        let unreachable = ["--bootstrap-servers", "127.0.0.1:\(EmbeddedBroker.freePort())", "--request-timeout", "2"]
        let flag = try CommandRunner.run(["topics", "--kafka-profile", "tansu"] + unreachable, timeout: .seconds(60))
        #expect(flag.exitCode == 64, "\(flag.standardError)")
        #expect(
            flag.standardError.contains("--kafka-profile 'tansu': use cluster or embedded"), "\(flag.standardError)")
        let environment = try CommandRunner.run(
            ["topics"] + unreachable, environment: ["THINKSTREAM_KAFKA_PROFILE": "fast"], timeout: .seconds(60))
        #expect(environment.exitCode == 64, "\(environment.standardError)")
        #expect(environment.standardError.contains("THINKSTREAM_KAFKA_PROFILE 'fast'"), "\(environment.standardError)")
    }

    @Test func strictFeedExitsWith65() async throws {
        try await withBroker { servers in
            let result = try CommandRunner.run(
                ["feed", "--bootstrap-servers", servers, "--strict", "-"], input: Array("{\"text\": 1}\n".utf8))
            #expect(result.exitCode == 65)
            #expect(result.standardError.contains("-:1: missing_text"), "\(result.standardError)")
        }
    }
}
