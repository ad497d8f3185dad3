import ArgumentParser
import Foundation
import Kafka
import Pipeline

/// Cluster connection options shared by every command that talks to Kafka.
/// Each falls back to an environment variable, then to the default.
struct KafkaOptions: ParsableArguments {
    @Option(help: "Bootstrap brokers, host:port[,host:port…] (env THINKSTREAM_KAFKA_BOOTSTRAP_SERVERS; default 127.0.0.1:9092).")
    var bootstrapServers: String?

    @Option(
        help: """
            Broker kind: cluster (Kafka's own defaults: consumer session 45 s, heartbeat 3 s) or embedded (the tansu \
            broker of `thinkstream broker start`: 2 s / 500 ms, fast group joins) (env THINKSTREAM_KAFKA_PROFILE; \
            default cluster).
            """)
    var kafkaProfile: String?

    @Option(help: "Topic name prefix (env THINKSTREAM_TOPICS_PREFIX; default thinkstream).")
    var topicPrefix: String?

    @Option(help: "Seconds a broker request may take before the command fails (env THINKSTREAM_KAFKA_REQUEST_TIMEOUT; default 10).")
    var requestTimeout: Double?

    @Option(
        name: .customLong("kafka-property"),
        help: """
            A librdkafka property as key=value; repeatable. Also THINKSTREAM_KAFKA_LIBRDKAFKA_<KEY> (dots as \
            underscores), the only way to give a secret one (passwords, keys, OAuth configuration): argv is readable \
            by every user of the machine.
            """)
    var kafkaProperties: [String] = []

    @Option(help: "SASL mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (env THINKSTREAM_KAFKA_SASL_MECHANISM).")
    var saslMechanism: String?

    @Option(help: "SASL user name (env THINKSTREAM_KAFKA_SASL_USERNAME); the password comes from THINKSTREAM_KAFKA_SASL_PASSWORD.")
    var saslUsername: String?

    @Flag(help: "Use TLS to reach the brokers (env THINKSTREAM_KAFKA_TLS=1).")
    var tls = false

    @Option(help: "PEM file of the CA that signs the brokers' certificates (env THINKSTREAM_KAFKA_TLS_CA_LOCATION).")
    var tlsCALocation: String?

    private var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// The environment variables that carry librdkafka properties: THINKSTREAM_KAFKA_LIBRDKAFKA_<KEY>.
    static let librdkafkaEnvironmentPrefix = "THINKSTREAM_KAFKA_LIBRDKAFKA_"

    /// `THINKSTREAM_KAFKA_LIBRDKAFKA_SSL_KEY_PASSWORD` → `ssl.key.password`; nil for any other variable.
    static func librdkafkaProperty(environmentName name: String) -> String? {
        guard name.hasPrefix(librdkafkaEnvironmentPrefix), name.count > librdkafkaEnvironmentPrefix.count else { return nil }
        return name.dropFirst(librdkafkaEnvironmentPrefix.count).lowercased().replacingOccurrences(of: "_", with: ".")
    }

    /// `ssl.key.password` → `THINKSTREAM_KAFKA_LIBRDKAFKA_SSL_KEY_PASSWORD`.
    static func environmentName(librdkafkaProperty key: String) -> String {
        librdkafkaEnvironmentPrefix + key.uppercased().replacingOccurrences(of: ".", with: "_")
    }

    /// The `--kafka-property key=value` pairs, refusing secrets (argv is readable by every user of the machine).
    /// - Throws: `ValidationError` naming a malformed pair or a secret key and the variable to use instead.
    func commandLineProperties() throws -> [String: String] {
        var properties: [String: String] = [:]
        for pair in kafkaProperties {
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                throw ValidationError("--kafka-property '\(pair)': expected key=value")
            }
            let key = String(pair[..<equals])
            guard !KafkaSecretProperties.isSecret(key) else {
                throw ValidationError(
                    "--kafka-property \(key): a secret is not accepted on the command line (any user can read argv); "
                        + "set \(Self.environmentName(librdkafkaProperty: key)) instead")
            }
            properties[key] = String(pair[pair.index(after: equals)...])
        }
        return properties
    }

    /// Whether a broker was named (flag or environment), for commands that use Kafka only when asked to.
    var isBrokerConfigured: Bool {
        bootstrapServers != nil || environment["THINKSTREAM_KAFKA_BOOTSTRAP_SERVERS"] != nil
    }

    var topics: TopicNames { TopicNames(prefix: topicPrefix ?? environment["THINKSTREAM_TOPICS_PREFIX"] ?? "thinkstream") }

    /// The client configuration these options describe.
    /// - Throws: `ValidationError` naming a malformed option.
    func clientConfiguration(clientID: String) throws -> KafkaClientConfiguration {
        var properties: [String: String] = [:]
        for (name, value) in environment {
            if let key = Self.librdkafkaProperty(environmentName: name) { properties[key] = value }
        }
        properties.merge(try commandLineProperties()) { _, flag in flag }
        var security = KafkaSecurity(tls: tls || environment["THINKSTREAM_KAFKA_TLS"] == "1")
        security.caLocation = tlsCALocation ?? environment["THINKSTREAM_KAFKA_TLS_CA_LOCATION"]
        if let mechanismName = saslMechanism ?? environment["THINKSTREAM_KAFKA_SASL_MECHANISM"] {
            guard let mechanism = KafkaSecurity.SASLMechanism(rawValue: mechanismName.uppercased()) else {
                throw ValidationError("--sasl-mechanism '\(mechanismName)': use PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512")
            }
            security.sasl = (
                mechanism, saslUsername ?? environment["THINKSTREAM_KAFKA_SASL_USERNAME"] ?? "",
                environment["THINKSTREAM_KAFKA_SASL_PASSWORD"] ?? ""
            )
        }
        let profileName = kafkaProfile ?? environment["THINKSTREAM_KAFKA_PROFILE"] ?? "cluster"
        guard let profile = KafkaClientConfiguration.BrokerProfile(rawValue: profileName.lowercased()) else {
            throw ValidationError(
                "\(kafkaProfile != nil ? "--kafka-profile" : "THINKSTREAM_KAFKA_PROFILE") '\(profileName)': use cluster or embedded")
        }
        let timeout = requestTimeout ?? environment["THINKSTREAM_KAFKA_REQUEST_TIMEOUT"].flatMap(Double.init) ?? 10
        return KafkaClientConfiguration(
            bootstrapServers: bootstrapServers ?? environment["THINKSTREAM_KAFKA_BOOTSTRAP_SERVERS"] ?? "127.0.0.1:9092",
            profile: profile, clientID: clientID, security: security, requestTimeout: .milliseconds(Int(timeout * 1000)),
            properties: properties)
    }
}
