import ArgumentParser
import Foundation
import Kafka
import Yams

/// `thinkstream config show`: the effective configuration of every component, secrets redacted.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Inspect configuration.", subcommands: [Show.self])

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract:
                "Print the effective configuration: flags > THINKSTREAM_* environment > --config YAML > defaults.",
            discussion: """
                Key component.camelName is THINKSTREAM_COMPONENT_CAMEL_NAME in the environment and \
                component: {camelName: value} in the YAML file; librdkafka properties are kafka.librdkafka.<property>. \
                Values of keys naming a password or secret print as ******. Each line ends with its source.
                Exit codes: 0 printed, 64 unreadable or malformed --config file or --set value.
                """)

        @OptionGroup var kafka: KafkaOptions
        @OptionGroup var metrics: MetricsOptions

        @Option(help: "Dashboard bind address.")
        var dashboardHost: String?

        @Option(help: "Dashboard port.")
        var dashboardPort: Int?

        @Option(name: .customLong("set"), help: "Any key as key=value; repeatable.")
        var overrides: [String] = []

        func run() throws {
            // The same layers every Kafka command resolves its options from (KafkaOptions.layers()).
            var layers: ConfigurationLayers
            do {
                layers = try kafka.layers()
            } catch let error as ValidationError {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode(64)
            }
            layers.flags.merge(try flagValues()) { _, new in new }
            print(layers.render(), terminator: "")
        }

        private func flagValues() throws -> [String: String] {
            var values: [String: String] = [:]
            values["metrics.interval"] = metrics.metricsInterval.map { "\($0)" }
            values["metrics.port"] = metrics.metricsPort.map { "\($0)" }
            values["metrics.host"] = metrics.metricsHost
            values["dashboard.host"] = dashboardHost
            values["dashboard.port"] = dashboardPort.map { "\($0)" }
            for override in overrides {
                let (key, value) = try Self.split(override, option: "--set")
                values[key] = value
            }
            return values
        }

        static func split(_ pair: String, option: String) throws -> (String, String) {
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                throw ValidationError("\(option) '\(pair)': expected key=value")
            }
            return (String(pair[..<equals]), String(pair[pair.index(after: equals)...]))
        }
    }
}

/// The four configuration layers and how they resolve, for `config show`.
struct ConfigurationLayers {
    /// Every documented key and its default ("" for unset).
    static let defaults: KeyValuePairs<String, String> = [
        "kafka.bootstrapServers": "127.0.0.1:9092", "kafka.profile": "cluster", "kafka.requestTimeout": "10",
        "kafka.saslMechanism": "",
        "kafka.saslUsername": "", "kafka.saslPassword": "", "kafka.tls": "false", "kafka.tlsCALocation": "",
        "topics.prefix": "thinkstream",
        "feed.partitions": "3", "feed.textField": "text", "feed.idField": "id", "feed.maxDocumentBytes": "1048576",
        "feed.stdinFormat": "jsonl", "feed.strict": "false",
        "metrics.interval": "5", "metrics.host": "127.0.0.1", "metrics.port": "0",
        "dashboard.host": "127.0.0.1", "dashboard.port": "8080", "dashboard.from": "latest",
        "dashboard.backfill": "500",
        "top.refresh": "2",
    ]

    var environment: [String: String]
    var file: [String: String] = [:]
    var flags: [String: String] = [:]

    init(environment: [String: String]) { self.environment = environment }

    /// `component.camelName` → `THINKSTREAM_COMPONENT_CAMEL_NAME` (acronyms stay together: tlsCALocation → TLS_CA_LOCATION).
    static func environmentName(for key: String) -> String {
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
                    words.append(word)
                    word = ""
                }
                word.append(character)
            }
            if !word.isEmpty { words.append(word) }
        }
        return "THINKSTREAM_" + words.map { $0.uppercased() }.joined(separator: "_")
    }

    /// Whether a key's value must not be printed.
    static func isSecret(_ key: String) -> Bool { KafkaSecretProperties.isSecret(key) }

    /// The effective value and its source for every known key, plus keys only the layers name.
    func resolve() -> [(key: String, value: String, source: String)] {
        var keys = Self.defaults.map(\.key)
        var environmentProperties: [String: (name: String, value: String)] = [:]
        for (name, value) in environment {
            guard let property = KafkaOptions.librdkafkaProperty(environmentName: name) else { continue }
            environmentProperties["kafka.librdkafka." + property] = (name, value)
        }
        for key in Array(file.keys) + Array(flags.keys) + Array(environmentProperties.keys) where !keys.contains(key) {
            keys.append(key)
        }
        let defaults = Dictionary(uniqueKeysWithValues: Self.defaults.map { ($0.key, $0.value) })
        return keys.sorted().map { key -> (key: String, value: String, source: String) in
            if let value = flags[key] { return (key, value, "flag") }
            let variable = Self.environmentName(for: key)
            if let value = environment[variable] { return (key, value, "env \(variable)") }
            if let property = environmentProperties[key] { return (key, property.value, "env \(property.name)") }
            if let value = file[key] { return (key, value, "file") }
            return (key, defaults[key] ?? "", defaults[key] == nil ? "unknown key" : "default")
        }
    }

    /// The effective value of `key` and its source; nil for a key no layer or default knows.
    func value(_ key: String) -> (value: String, source: String)? {
        resolve().first { $0.key == key }.flatMap { $0.source == "unknown key" ? nil : ($0.value, $0.source) }
    }

    /// The effective value and source of every key a layer or default knows, resolved once.
    func effective() -> [String: (value: String, source: String)] {
        var values: [String: (value: String, source: String)] = [:]
        for entry in resolve() where entry.source != "unknown key" || entry.key.hasPrefix("kafka.librdkafka.") {
            values[entry.key] = (entry.value, entry.source)
        }
        return values
    }

    /// The librdkafka properties (`kafka.librdkafka.<property>`) among resolved values.
    static func librdkafkaProperties(_ effective: [String: (value: String, source: String)]) -> [String: String] {
        var properties: [String: String] = [:]
        for (key, entry) in effective where key.hasPrefix("kafka.librdkafka.") {
            properties[String(key.dropFirst("kafka.librdkafka.".count))] = entry.value
        }
        return properties
    }

    /// `key = value  # source` lines grouped by component, secrets as `******`.
    func render() -> String {
        var output = "# effective configuration: flag > env > file > default; secrets redacted\n"
        var component = ""
        for entry in resolve() {
            let head = String(entry.key.prefix { $0 != "." })
            if head != component {
                output += "[\(head)]\n"
                component = head
            }
            let value = entry.value.isEmpty ? "(unset)" : Self.isSecret(entry.key) ? "******" : entry.value
            output += "\(entry.key) = \(value)  # \(entry.source)\n"
        }
        return output
    }

    /// A YAML mapping flattened to dotted keys with scalar values.
    /// - Throws: `ValidationError` naming the file and what is wrong.
    static func flatten(yamlFile path: String) throws -> [String: String] {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ValidationError("--config \(path): cannot read it (\(error.localizedDescription))")
        }
        let root: Any?
        do {
            root = try Yams.load(yaml: text)
        } catch {
            throw ValidationError("--config \(path): not valid YAML (\(error))")
        }
        guard let mapping = root as? [String: Any] else {
            throw ValidationError(
                "--config \(path): expected a mapping of components, e.g. kafka: {bootstrapServers: host:9092}")
        }
        var values: [String: String] = [:]
        func walk(_ node: Any, _ key: String) {
            if let mapping = node as? [String: Any] {
                for (child, value) in mapping { walk(value, key.isEmpty ? child : "\(key).\(child)") }
            } else if let list = node as? [Any] {
                values[key] = list.map { "\($0)" }.joined(separator: ",")
            } else {
                values[key] = "\(node)"
            }
        }
        walk(mapping, "")
        return values
    }
}
