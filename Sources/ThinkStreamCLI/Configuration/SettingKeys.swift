import Foundation

/// Every documented configuration key: its default, the flag that sets it and, where it is not the derived
/// `THINKSTREAM_COMPONENT_CAMEL_NAME`, its environment variable. The one table `config show` and every command use.
enum SettingKeys {
    struct Key {
        let name: String
        /// "" for unset.
        let defaultValue: String
        /// The command-line spelling, for messages; nil where no command has a flag for it.
        let flag: String?
        /// The environment variable when it is not derived from the key (kept for compatibility).
        let environmentOverride: String?

        init(_ name: String, _ defaultValue: String, flag: String? = nil, environment: String? = nil) {
            self.name = name
            self.defaultValue = defaultValue
            self.flag = flag
            self.environmentOverride = environment
        }
    }

    static let all: [Key] = [
        Key("kafka.bootstrapServers", "127.0.0.1:9092", flag: "--bootstrap-servers"),
        Key("kafka.profile", "cluster", flag: "--kafka-profile"),
        Key("kafka.requestTimeout", "10", flag: "--request-timeout"),
        Key("kafka.saslMechanism", "", flag: "--sasl-mechanism"),
        Key("kafka.saslUsername", "", flag: "--sasl-username"),
        Key("kafka.saslPassword", ""),
        Key("kafka.tls", "false", flag: "--tls"),
        Key("kafka.tlsCALocation", "", flag: "--tls-ca-location"),
        Key("topics.prefix", "thinkstream", flag: "--topic-prefix"),
        Key("feed.partitions", "3", flag: "--partitions"),
        Key("feed.textField", "text", flag: "--text-field"),
        Key("feed.idField", "id", flag: "--id-field"),
        Key("feed.maxDocumentBytes", "1048576", flag: "--max-document-bytes"),
        Key("feed.stdinFormat", "jsonl", flag: "--stdin-format"),
        Key("feed.strict", "false", flag: "--strict"),
        Key("metrics.interval", "5", flag: "--metrics-interval"),
        Key("metrics.host", "127.0.0.1", flag: "--metrics-host"),
        Key("metrics.port", "0", flag: "--metrics-port"),
        Key("dashboard.host", "127.0.0.1", flag: "--host"),
        Key("dashboard.port", "8080", flag: "--port"),
        Key("dashboard.from", "latest", flag: "--from"),
        Key("dashboard.backfill", "500", flag: "--backfill"),
        Key("top.refresh", "2", flag: "--refresh"),
        Key("model.path", "", flag: "--model", environment: "THINKSTREAM_MODEL"),
        Key("model.directory", "", environment: "THINKSTREAM_MODELS_DIR"),
        Key("model.context", "4096", flag: "--context-tokens"),
        Key("model.threads", "2", flag: "--threads"),
        Key("model.sharePromptPrefixes", "true", flag: "--no-prompt-prefix-sharing"),
        Key("model.repackWeights", "true", flag: "--no-weight-repacking"),
        Key("broker.port", "9092", flag: "--port"),
        Key("broker.stateDirectory", ".run", flag: "--state-directory", environment: "THINKSTREAM_STATE_DIR"),
    ]

    static let byName: [String: Key] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })

    /// The prefix of keys that carry librdkafka properties: `kafka.librdkafka.<property>`.
    static let librdkafkaPrefix = "kafka.librdkafka."

    /// The environment variable of a key: its override, else `component.camelName` → `THINKSTREAM_COMPONENT_CAMEL_NAME`
    /// (acronyms stay together: tlsCALocation → TLS_CA_LOCATION; dots inside librdkafka properties become `_`).
    static func environmentName(for key: String) -> String {
        if let override = byName[key]?.environmentOverride { return override }
        return "THINKSTREAM_" + words(of: key).map { $0.uppercased() }.joined(separator: "_")
    }

    /// The lower-case words of a dotted camel-case key: `kafka.tlsCALocation` → kafka, tls, ca, location.
    static func words(of key: String) -> [String] {
        var words: [String] = []
        for part in key.split(separator: ".") {
            var word = ""
            let characters = Array(part)
            for (index, character) in characters.enumerated() {
                let previous = index > 0 ? characters[index - 1] : nil
                let next = index + 1 < characters.count ? characters[index + 1] : nil
                let afterLower = previous.map { $0.isLowercase || $0.isNumber } ?? false
                let endsAcronym = (previous?.isUppercase ?? false) && (next?.isLowercase ?? false)
                let startsWord = character.isUppercase && (afterLower || endsAcronym)
                if startsWord, !word.isEmpty {
                    words.append(word.lowercased())
                    word = ""
                }
                word.append(character)
            }
            if !word.isEmpty { words.append(word.lowercased()) }
        }
        return words
    }

    /// The environment variables that carry librdkafka properties: THINKSTREAM_KAFKA_LIBRDKAFKA_<KEY>.
    static let librdkafkaEnvironmentPrefix = "THINKSTREAM_KAFKA_LIBRDKAFKA_"

    /// `THINKSTREAM_KAFKA_LIBRDKAFKA_SSL_KEY_PASSWORD` → `ssl.key.password`; nil for any other variable.
    static func librdkafkaProperty(environmentName name: String) -> String? {
        guard name.hasPrefix(librdkafkaEnvironmentPrefix), name.count > librdkafkaEnvironmentPrefix.count else {
            return nil
        }
        return name.dropFirst(librdkafkaEnvironmentPrefix.count).lowercased().replacingOccurrences(of: "_", with: ".")
    }
}
