import ArgumentParser
import Foundation
import Kafka

/// `thinkstream config show`: the effective configuration of every component, secrets redacted.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Inspect configuration.", subcommands: [Show.self])

    struct Show: ParsableCommand, SettingFlags {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract:
                "Print the effective configuration: flags > THINKSTREAM_* environment > --config YAML > defaults.",
            discussion: """
                Key component.camelName is THINKSTREAM_COMPONENT_CAMEL_NAME in the environment (model.path, \
                model.directory and broker.stateDirectory keep their older names, shown as the source when set) and \
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

        /// Refuses malformed metrics values, as the commands that use them do.
        func validate() throws { _ = try metrics.configuration(kafka.settings(with: [metrics, self])) }

        func run() throws {
            // The resolver every command builds from its own flags (ConfigFileOption.settings), here over all of them.
            let settings: SettingsResolver
            do {
                settings = try kafka.settings(with: [metrics, self])
            } catch let error as ValidationError {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode(64)
            }
            print(settings.render(), terminator: "")
        }

        func settingFlags() throws -> [String: String] {
            var values: [String: String] = [:]
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
