import ArgumentParser
import Foundation

/// `--config FILE` (env THINKSTREAM_CONFIG): the YAML layer of ``SettingsResolver``. Part of ``KafkaOptions``; the
/// commands without Kafka options that read settings carry it themselves.
struct ConfigFileOption: ParsableArguments {
    @Option(
        help:
            "YAML configuration file, e.g. kafka: {bootstrapServers: host:9092} (env THINKSTREAM_CONFIG); flags and the environment win over it."
    )
    var config: String?

    /// The file to read: the flag, else THINKSTREAM_CONFIG.
    var path: String? { config ?? ProcessInfo.processInfo.environment["THINKSTREAM_CONFIG"] }

    /// The resolver over these option groups' flags, the environment and this file.
    /// - Throws: `ValidationError` for an unreadable or malformed file or a malformed flag.
    func settings(_ groups: [any SettingFlags]) throws -> SettingsResolver {
        var flags: [String: String] = [:]
        for group in groups { flags.merge(try group.settingFlags()) { _, new in new } }
        return try SettingsResolver(flags: flags, configFile: path)
    }
}
