import Foundation
import Testing
import ThinkStreamTesting

@Suite(.serialized, .tags(.integration))
struct ConfigShowTests {
    /// `key = value  # source` lines of `thinkstream config show`, by key.
    static func show(_ arguments: [String], environment: [String: String] = [:]) throws -> [String: (
        value: String, source: String
    )] {
        let result = try CommandRunner.run(
            ["config", "show"] + arguments, environment: environment, timeout: .seconds(30))
        #expect(result.status == 0, "\(result.stderr)")
        var entries: [String: (value: String, source: String)] = [:]
        for line in result.stdout.split(separator: "\n") where !line.hasPrefix("#") && !line.hasPrefix("[") {
            guard let equals = line.range(of: " = "), let hash = line.range(of: "  # ", options: .backwards) else {
                continue
            }
            entries[String(line[..<equals.lowerBound])] = (
                String(line[equals.upperBound..<hash.lowerBound]), String(line[hash.upperBound...])
            )
        }
        return entries
    }

    static func writeConfig(_ text: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "thinkstream-config-\(UUID().uuidString).yaml")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    @Test func flagsBeatEnvironmentBeatFileBeatDefaults() throws {
        let file = try Self.writeConfig(
            """
            kafka:
              bootstrapServers: file-host:9092
              requestTimeout: 30
              saslUsername: file-user
            metrics:
              interval: 7
              port: 9000
            dashboard:
              port: 9100
            """)
        defer { try? FileManager.default.removeItem(at: file) }
        let caFile = try Self.writeConfig("-----BEGIN CERTIFICATE-----\n")  // a CA location must name a readable file
        defer { try? FileManager.default.removeItem(at: caFile) }
        let entries = try Self.show(
            ["--config", file.path, "--bootstrap-servers", "flag-host:9092", "--metrics-port", "9200"],
            environment: [
                "THINKSTREAM_KAFKA_BOOTSTRAP_SERVERS": "env-host:9092", "THINKSTREAM_KAFKA_REQUEST_TIMEOUT": "20",
                "THINKSTREAM_METRICS_PORT": "9300", "THINKSTREAM_KAFKA_TLS_CA_LOCATION": caFile.path,
            ])
        #expect(entries["kafka.bootstrapServers"]?.value == "flag-host:9092")
        #expect(entries["kafka.bootstrapServers"]?.source == "flag")
        #expect(entries["metrics.port"]?.value == "9200")
        #expect(entries["kafka.requestTimeout"]?.value == "20")
        #expect(entries["kafka.requestTimeout"]?.source == "env THINKSTREAM_KAFKA_REQUEST_TIMEOUT")
        #expect(entries["kafka.tlsCALocation"]?.value == caFile.path)
        #expect(entries["kafka.saslUsername"]?.value == "file-user")
        #expect(entries["kafka.saslUsername"]?.source == "file")
        #expect(entries["metrics.interval"]?.value == "7")
        #expect(entries["dashboard.port"]?.value == "9100")
        #expect(entries["topics.prefix"]?.value == "thinkstream")
        #expect(entries["topics.prefix"]?.source == "default")
        #expect(entries["feed.partitions"]?.value == "3")
    }

    /// One resolver: a Kafka command reads the same layers `config show` prints, the configuration file included,
    /// with the same precedence (here the environment beats the file, and the command follows).
    @Test func aCommandUsesExactlyWhatConfigShowPrints() async throws {
        try await withBroker { servers in
            let file = try Self.writeConfig(
                """
                kafka:
                  bootstrapServers: \(servers)
                  requestTimeout: 5
                topics:
                  prefix: fromfile
                """)
            defer { try? FileManager.default.removeItem(at: file) }
            let entries = try Self.show(["--config", file.path])
            #expect(
                entries["kafka.bootstrapServers"]?.value == servers
                    && entries["kafka.bootstrapServers"]?.source == "file")
            #expect(entries["topics.prefix"]?.value == "fromfile")
            let topics = try CommandRunner.run(["topics", "--create", "--config", file.path], timeout: .seconds(60))
            #expect(topics.status == 0, "\(topics.stderr)")
            #expect(topics.stdout.contains("fromfile.raw: 0 records"), "\(topics.stdout)")

            let unreachable = [
                "THINKSTREAM_KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:1", "THINKSTREAM_KAFKA_REQUEST_TIMEOUT": "2",
            ]
            let shown = try Self.show(["--config", file.path], environment: unreachable)
            #expect(shown["kafka.bootstrapServers"]?.value == "127.0.0.1:1")
            #expect(shown["kafka.bootstrapServers"]?.source == "env THINKSTREAM_KAFKA_BOOTSTRAP_SERVERS")
            let refused = try CommandRunner.run(
                ["topics", "--config", file.path], environment: unreachable, timeout: .seconds(60))
            #expect(
                refused.status == 69,
                "the environment's broker wins over the file's, as config show says: \(refused.stderr)")
            #expect(refused.stderr.contains("127.0.0.1:1"), "\(refused.stderr)")
        }
    }

    @Test func secretsAreRedactedFromEveryLayer() throws {
        let file = try Self.writeConfig(
            """
            kafka:
              librdkafka:
                ssl.key.password: file-key-password
                ssl.key.pem: file-private-key-pem
                sasl.oauthbearer.config: file-oauth-config
                ssl.keystore.password: file-keystore-password
                client.secret: file-client-secret
                linger.ms: 7
            """)
        defer { try? FileManager.default.removeItem(at: file) }
        let environment = [
            "THINKSTREAM_KAFKA_SASL_PASSWORD": "env-sasl-password",
            "THINKSTREAM_KAFKA_LIBRDKAFKA_SASL_PASSWORD": "env-librdkafka-password",
        ]
        let result = try CommandRunner.run(
            ["config", "show", "--config", file.path, "--set", "serve.apiSecret=flag-api-secret"],
            environment: environment, timeout: .seconds(30))
        #expect(result.status == 0, "\(result.stderr)")
        for secret in [
            "file-key-password", "file-private-key-pem", "file-oauth-config", "file-keystore-password",
            "file-client-secret", "flag-api-secret", "env-sasl-password", "env-librdkafka-password",
        ] {
            #expect(!result.stdout.contains(secret), "\(secret) printed")
        }
        let entries = try Self.show(["--config", file.path, "--set", "serve.apiSecret=x"], environment: environment)
        #expect(entries["kafka.saslPassword"]?.value == "******")
        #expect(entries["kafka.saslPassword"]?.source == "env THINKSTREAM_KAFKA_SASL_PASSWORD")
        #expect(entries["kafka.librdkafka.sasl.password"]?.value == "******")
        #expect(entries["kafka.librdkafka.sasl.password"]?.source == "env THINKSTREAM_KAFKA_LIBRDKAFKA_SASL_PASSWORD")
        for key in [
            "ssl.key.password", "ssl.key.pem", "sasl.oauthbearer.config", "ssl.keystore.password", "client.secret",
        ] {
            #expect(entries["kafka.librdkafka.\(key)"]?.value == "******", "\(key)")
        }
        #expect(entries["serve.apiSecret"]?.value == "******")
        #expect(entries["kafka.librdkafka.linger.ms"]?.value == "7")
    }

    @Test func aSecretOnTheCommandLineIsRefusedWithoutEchoingIt() throws {
        for command in [
            ["config", "show"], ["topics", "--bootstrap-servers", "127.0.0.1:1", "--request-timeout", "1"],
        ] {
            let result = try CommandRunner.run(
                command + ["--kafka-property", "ssl.key.password=argv-key-password"], timeout: .seconds(30))
            #expect(result.status == 64, "\(command): \(result.stderr)")
            #expect(
                result.stderr.contains("THINKSTREAM_KAFKA_LIBRDKAFKA_SSL_KEY_PASSWORD"), "\(command): \(result.stderr)")
            #expect(!(result.stdout + result.stderr).contains("argv-key-password"), "\(command) echoed the secret")
        }
    }

    @Test func aRefusedSecretPropertyIsNamedButItsValueIsNot() throws {
        let result = try CommandRunner.run(
            ["topics", "--bootstrap-servers", "127.0.0.1:1", "--request-timeout", "1"],
            environment: ["THINKSTREAM_KAFKA_LIBRDKAFKA_NO_SUCH_PASSWORD": "env-unknown-password"],
            timeout: .seconds(30))
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains("no.such.password=******"), "\(result.stderr)")
        #expect(!(result.stdout + result.stderr).contains("env-unknown-password"))
    }

    @Test func malformedConfigFileExits64NamingTheFile() throws {
        let file = try Self.writeConfig("- just\n- a list\n")
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try CommandRunner.run(["config", "show", "--config", file.path], timeout: .seconds(30))
        #expect(result.status == 64)
        #expect(result.stderr.contains(file.path))
    }

    /// Every component reads the same layers: a value in the `--config` file reaches the command that uses it (the
    /// broker's port, the model, feed's stdin format, the dashboard's metrics port), a bad one is refused naming the
    /// file's key, and the environment still beats the file and the flag the environment.
    @Test func everyCommandResolvesItsSettingsThroughTheSameLayers() throws {
        let file = try Self.writeConfig(
            """
            broker:
              port: 1
            model:
              path: /nonexistent/from-file.gguf
            feed:
              stdinFormat: bogus
            metrics:
              port: abc
            """)
        defer { try? FileManager.default.removeItem(at: file) }
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("config-\(UUID())").path
        let status = try CommandRunner.run(
            ["broker", "status", "--config", file.path], environment: ["THINKSTREAM_STATE_DIR": state],
            timeout: .seconds(30))
        #expect(status.status == 69, "\(status.stderr)")
        #expect(
            status.stdout.contains("no broker running on 127.0.0.1:1\n"), "the file's broker.port: \(status.stdout)")
        let environmentWins = try CommandRunner.run(
            ["broker", "status", "--config", file.path],
            environment: ["THINKSTREAM_STATE_DIR": state, "THINKSTREAM_BROKER_PORT": "2"], timeout: .seconds(30))
        #expect(environmentWins.stdout.contains("127.0.0.1:2\n"), "\(environmentWins.stdout)")
        let flagWins = try CommandRunner.run(
            ["broker", "status", "--config", file.path, "--port", "3"],
            environment: ["THINKSTREAM_STATE_DIR": state, "THINKSTREAM_BROKER_PORT": "2"], timeout: .seconds(30))
        #expect(flagWins.stdout.contains("127.0.0.1:3\n"), "\(flagWins.stdout)")

        for (command, key) in [
            (["tokenize", "hello"], "model.path in the --config file"),
            (["score", "/dev/null"], "model.path in the --config file"),
            (["feed", "-", "--bootstrap-servers", "127.0.0.1:1"], "feed.stdinFormat in the --config file"),
            (["dashboard", "--bootstrap-servers", "127.0.0.1:1"], "metrics.port in the --config file"),
        ] {
            let refused = try CommandRunner.run(command + ["--config", file.path], timeout: .seconds(30))
            #expect(refused.status == 64, "\(command): \(refused.stderr)")
            #expect(refused.stderr.contains(key), "\(command) does not name \(key): \(refused.stderr)")
        }
        // config show refuses the file's metrics.port as the commands do; the flag overrides it.
        let shown = try Self.show(
            ["--config", file.path, "--metrics-port", "0"], environment: ["THINKSTREAM_MODEL": "/env/model.gguf"])
        #expect(shown["broker.port"]?.value == "1" && shown["broker.port"]?.source == "file")
        #expect(
            shown["model.path"]?.value == "/env/model.gguf" && shown["model.path"]?.source == "env THINKSTREAM_MODEL")
        #expect(shown["feed.stdinFormat"]?.value == "bogus")
    }
}
