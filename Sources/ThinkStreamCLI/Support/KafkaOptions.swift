import ArgumentParser
import Foundation
import Kafka
import Pipeline

/// Cluster connection options shared by every command that talks to Kafka, resolved by ``SettingsResolver`` —
/// the one resolver `config show` prints: flag > `THINKSTREAM_*` environment > `--config` YAML > default.
struct KafkaOptions: ParsableArguments, SettingFlags {
    @OptionGroup var configFile: ConfigFileOption

    @Option(
        help:
            "Bootstrap brokers, host:port[,host:port…] (env THINKSTREAM_KAFKA_BOOTSTRAP_SERVERS; default 127.0.0.1:9092)."
    )
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

    @Option(
        help:
            "Seconds a broker request may take before the command fails (env THINKSTREAM_KAFKA_REQUEST_TIMEOUT; default 10)."
    )
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

    @Option(
        help:
            "SASL user name (env THINKSTREAM_KAFKA_SASL_USERNAME); the password comes from THINKSTREAM_KAFKA_SASL_PASSWORD."
    )
    var saslUsername: String?

    @Flag(help: "Use TLS to reach the brokers (env THINKSTREAM_KAFKA_TLS=1).")
    var tls = false

    @Option(help: "PEM file of the CA that signs the brokers' certificates (env THINKSTREAM_KAFKA_TLS_CA_LOCATION).")
    var tlsCALocation: String?

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
                        + "set \(SettingKeys.environmentName(for: SettingKeys.librdkafkaPrefix + key)) instead")
            }
            properties[key] = String(pair[pair.index(after: equals)...])
        }
        return properties
    }

    /// Whether a broker was named (flag, environment or configuration file), for commands that use Kafka only when
    /// asked to.
    var isBrokerConfigured: Bool {
        ((try? settings())?.resolved("kafka.bootstrapServers")).map { $0.origin != .defaultValue }
            ?? (bootstrapServers != nil)
    }

    var topics: TopicNames {
        TopicNames(prefix: (try? settings())?.value("topics.prefix")?.value ?? "thinkstream")
    }

    /// The flags these options were given, by configuration key.
    func settingFlags() throws -> [String: String] {
        var values: [String: String] = [:]
        values["kafka.bootstrapServers"] = bootstrapServers
        values["kafka.profile"] = kafkaProfile
        values["topics.prefix"] = topicPrefix
        values["kafka.requestTimeout"] = requestTimeout.map { "\($0)" }
        values["kafka.saslMechanism"] = saslMechanism
        values["kafka.saslUsername"] = saslUsername
        values["kafka.tls"] = tls ? "true" : nil
        values["kafka.tlsCALocation"] = tlsCALocation
        for (key, value) in try commandLineProperties() { values[SettingKeys.librdkafkaPrefix + key] = value }
        return values
    }

    /// The resolver over these options, `others` (metrics, model and command flags), the environment and the
    /// `--config` file.
    /// - Throws: `ValidationError` for an unreadable or malformed file, a malformed or secret `--kafka-property`.
    func settings(with others: [any SettingFlags] = []) throws -> SettingsResolver {
        try configFile.settings([self] + others)
    }

    /// Refuses a malformed option, variable or `--config` key before the command touches the network (the same
    /// resolution every Kafka command and `config show` use).
    func validate() throws {
        _ = try clientConfiguration(clientID: "thinkstream")
    }

    /// Longest prefix whose topics (`<prefix>.dlq-redriven` the longest) stay within Kafka's 249 characters.
    static let maxTopicPrefixLength = 249 - ".dlq-redriven".count

    /// The client configuration these options describe, every value resolved by ``settings(with:)``.
    /// - Throws: `ValidationError` naming a malformed option and where it came from.
    func clientConfiguration(clientID: String) throws -> KafkaClientConfiguration {
        let settings = try settings()
        func value(_ key: String) -> (value: String, source: String)? {
            settings.value(key).map { ($0.value, $0.source) }
        }
        let properties = settings.librdkafkaProperties()
        var security = KafkaSecurity(tls: try settings.boolean("kafka.tls") ?? false)
        if let ca = value("kafka.tlsCALocation") {
            guard FileManager.default.isReadableFile(atPath: ca.value) else {
                throw ValidationError(
                    "\(ca.source) '\(ca.value)': no such readable PEM file")
            }
            security.caLocation = ca.value
        }
        if let mechanism = value("kafka.saslMechanism") {
            guard let parsed = KafkaSecurity.SASLMechanism(rawValue: mechanism.value.uppercased()) else {
                throw ValidationError(
                    "\(mechanism.source) '\(mechanism.value)': use PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512"
                )
            }
            security.sasl = (parsed, value("kafka.saslUsername")?.value ?? "", value("kafka.saslPassword")?.value ?? "")
        }
        let profileValue = value("kafka.profile") ?? ("cluster", "default")
        guard let profile = KafkaClientConfiguration.BrokerProfile(rawValue: profileValue.value.lowercased()) else {
            throw ValidationError(
                "\(profileValue.source) '\(profileValue.value)': use cluster or embedded")
        }
        let timeoutValue = value("kafka.requestTimeout") ?? ("10", "default")
        guard let timeout = Double(timeoutValue.value), timeout > 0, timeout.isFinite else {
            throw ValidationError(
                "\(timeoutValue.source) '\(timeoutValue.value)': expected seconds > 0")
        }
        let servers = value("kafka.bootstrapServers") ?? ("127.0.0.1:9092", "default")
        if let problem = Self.bootstrapProblem(servers.value) {
            throw ValidationError("\(servers.source) '\(servers.value)': \(problem)")
        }
        if let prefix = value("topics.prefix") {
            let allowed = prefix.value.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                    || ".-_".unicodeScalars.contains($0)
            }
            guard allowed, prefix.value.count <= Self.maxTopicPrefixLength else {
                throw ValidationError(
                    "\(prefix.source) '\(prefix.value)': Kafka topic names take letters, digits, "
                        + "'.', '_' and '-' only, at most \(Self.maxTopicPrefixLength) characters for the prefix")
            }
        }
        return KafkaClientConfiguration(
            bootstrapServers: servers.value, profile: profile, clientID: clientID,
            security: security, requestTimeout: .milliseconds(Int(timeout * 1000)), properties: properties)
    }

    /// What is wrong with a bootstrap list (`host:port[,host:port…]`, an optional `scheme://` per entry, IPv6 hosts
    /// in brackets, the port optional as librdkafka allows), or nil.
    static func bootstrapProblem(_ list: String) -> String? {
        for entry in list.split(separator: ",", omittingEmptySubsequences: false) {
            var address = entry.trimmingCharacters(in: .whitespaces)
            if let scheme = address.range(of: "://") { address = String(address[scheme.upperBound...]) }
            guard !address.isEmpty else { return "an empty broker address; expected host:port[,host:port…]" }
            let hostEnd = address.hasPrefix("[") ? address.firstIndex(of: "]").map { address.index(after: $0) } : nil
            let portSeparator = address[(hostEnd ?? address.startIndex)...].lastIndex(of: ":")
            let host = portSeparator.map { address[..<$0] } ?? address[...]
            guard !host.isEmpty, !host.contains(" ") else { return "'\(address)' has no host name; expected host:port" }
            if let separator = portSeparator {
                let port = address[address.index(after: separator)...]
                guard let number = Int(port), (1...65535).contains(number) else {
                    return "'\(address)' has port '\(port)'; expected a port 1-65535"
                }
            }
        }
        return nil
    }
}
