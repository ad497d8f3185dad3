import ArgumentParser
import Foundation
import Kafka
import Pipeline

/// Cluster connection options shared by every command that talks to Kafka, resolved by ``ConfigurationLayers`` —
/// the one resolver `config show` prints: flag > `THINKSTREAM_*` environment > `--config` YAML > default.
struct KafkaOptions: ParsableArguments {
    @Option(
        help:
            "YAML configuration file, e.g. kafka: {bootstrapServers: host:9092} (env THINKSTREAM_CONFIG); flags and the environment win over it."
    )
    var config: String?

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

    private var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// The environment variables that carry librdkafka properties: THINKSTREAM_KAFKA_LIBRDKAFKA_<KEY>.
    static let librdkafkaEnvironmentPrefix = "THINKSTREAM_KAFKA_LIBRDKAFKA_"

    /// `THINKSTREAM_KAFKA_LIBRDKAFKA_SSL_KEY_PASSWORD` → `ssl.key.password`; nil for any other variable.
    static func librdkafkaProperty(environmentName name: String) -> String? {
        guard name.hasPrefix(librdkafkaEnvironmentPrefix), name.count > librdkafkaEnvironmentPrefix.count else {
            return nil
        }
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

    /// Whether a broker was named (flag, environment or configuration file), for commands that use Kafka only when
    /// asked to.
    var isBrokerConfigured: Bool {
        ((try? layers())?.value("kafka.bootstrapServers")).map { $0.source != "default" } ?? (bootstrapServers != nil)
    }

    var topics: TopicNames {
        TopicNames(
            prefix: (try? layers())?.value("topics.prefix")?.value ?? topicPrefix ?? environment[
                "THINKSTREAM_TOPICS_PREFIX"] ?? "thinkstream")
    }

    /// The flags these options were given, by configuration key.
    func flagValues() throws -> [String: String] {
        var values: [String: String] = [:]
        values["kafka.bootstrapServers"] = bootstrapServers
        values["kafka.profile"] = kafkaProfile
        values["topics.prefix"] = topicPrefix
        values["kafka.requestTimeout"] = requestTimeout.map { "\($0)" }
        values["kafka.saslMechanism"] = saslMechanism
        values["kafka.saslUsername"] = saslUsername
        values["kafka.tls"] = tls ? "true" : nil
        values["kafka.tlsCALocation"] = tlsCALocation
        for (key, value) in try commandLineProperties() { values["kafka.librdkafka.\(key)"] = value }
        return values
    }

    /// The configuration layers of this command: the flags above, the environment, the `--config` file.
    /// - Throws: `ValidationError` for an unreadable or malformed file, a malformed or secret `--kafka-property`.
    func layers() throws -> ConfigurationLayers {
        var layers = ConfigurationLayers(environment: environment)
        if let path = config ?? environment["THINKSTREAM_CONFIG"] {
            layers.file = try ConfigurationLayers.flatten(yamlFile: path)
        }
        layers.flags = try flagValues()
        return layers
    }

    /// Refuses a malformed option, variable or `--config` key before the command touches the network (the same
    /// resolution every Kafka command and `config show` use).
    func validate() throws {
        _ = try clientConfiguration(clientID: "thinkstream")
    }

    /// Longest prefix whose topics (`<prefix>.dlq-redriven` the longest) stay within Kafka's 249 characters.
    static let maxTopicPrefixLength = 249 - ".dlq-redriven".count

    /// The client configuration these options describe, every value resolved by ``layers()``.
    /// - Throws: `ValidationError` naming a malformed option and where it came from.
    func clientConfiguration(clientID: String) throws -> KafkaClientConfiguration {
        let effective = try layers().effective()
        func value(_ key: String) -> (value: String, source: String)? {
            effective[key].flatMap { $0.value.isEmpty ? nil : $0 }
        }
        /// Where a value came from, as the user wrote it: the flag, the variable, or the key in the file.
        func origin(_ key: String, _ source: String) -> String {
            let flags = [
                "kafka.profile": "--kafka-profile", "kafka.requestTimeout": "--request-timeout",
                "kafka.saslMechanism": "--sasl-mechanism", "kafka.bootstrapServers": "--bootstrap-servers",
                "kafka.tls": "--tls", "topics.prefix": "--topic-prefix", "kafka.tlsCALocation": "--tls-ca-location",
            ]
            if source == "flag" { return flags[key] ?? key }
            if source.hasPrefix("env ") { return String(source.dropFirst(4)) }
            return source == "file" ? "\(key) in the --config file" : key
        }
        let properties = ConfigurationLayers.librdkafkaProperties(effective)
        var useTLS = false
        if let tlsValue = value("kafka.tls") {
            switch tlsValue.value.lowercased() {
            case "1", "true", "yes", "on": useTLS = true
            case "0", "false", "no", "off": useTLS = false
            default:
                throw ValidationError(
                    "\(origin("kafka.tls", tlsValue.source)) '\(tlsValue.value)': use 1 or 0 (true or false)")
            }
        }
        var security = KafkaSecurity(tls: useTLS)
        if let ca = value("kafka.tlsCALocation") {
            guard FileManager.default.isReadableFile(atPath: ca.value) else {
                throw ValidationError(
                    "\(origin("kafka.tlsCALocation", ca.source)) '\(ca.value)': no such readable PEM file")
            }
            security.caLocation = ca.value
        }
        if let mechanism = value("kafka.saslMechanism") {
            guard let parsed = KafkaSecurity.SASLMechanism(rawValue: mechanism.value.uppercased()) else {
                throw ValidationError(
                    "\(origin("kafka.saslMechanism", mechanism.source)) '\(mechanism.value)': use PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512"
                )
            }
            security.sasl = (parsed, value("kafka.saslUsername")?.value ?? "", value("kafka.saslPassword")?.value ?? "")
        }
        let profileValue = value("kafka.profile") ?? ("cluster", "default")
        guard let profile = KafkaClientConfiguration.BrokerProfile(rawValue: profileValue.value.lowercased()) else {
            throw ValidationError(
                "\(origin("kafka.profile", profileValue.source)) '\(profileValue.value)': use cluster or embedded")
        }
        let timeoutValue = value("kafka.requestTimeout") ?? ("10", "default")
        guard let timeout = Double(timeoutValue.value), timeout > 0, timeout.isFinite else {
            throw ValidationError(
                "\(origin("kafka.requestTimeout", timeoutValue.source)) '\(timeoutValue.value)': expected seconds > 0")
        }
        let servers = value("kafka.bootstrapServers") ?? ("127.0.0.1:9092", "default")
        if let problem = Self.bootstrapProblem(servers.value) {
            throw ValidationError("\(origin("kafka.bootstrapServers", servers.source)) '\(servers.value)': \(problem)")
        }
        if let prefix = value("topics.prefix") {
            let allowed = prefix.value.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                    || ".-_".unicodeScalars.contains($0)
            }
            guard allowed, prefix.value.count <= Self.maxTopicPrefixLength else {
                throw ValidationError(
                    "\(origin("topics.prefix", prefix.source)) '\(prefix.value)': Kafka topic names take letters, digits, "
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
