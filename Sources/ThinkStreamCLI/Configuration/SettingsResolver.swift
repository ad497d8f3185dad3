import ArgumentParser
import Configuration
import Foundation
import Kafka
import Synchronization

/// Where a setting's value came from.
enum SettingOrigin: Equatable {
    case flag
    case environment(variable: String)
    case file
    case defaultValue
    /// Named by no key table, layer or default (`config show --set` of a new key).
    case unknown

    /// How `config show` labels it: `flag`, `env NAME`, `file`, `default`.
    var label: String {
        switch self {
        case .flag: "flag"
        case .environment(let variable): "env \(variable)"
        case .file: "file"
        case .defaultValue: "default"
        case .unknown: "unknown key"
        }
    }
}

/// One setting as resolved: its value and where it came from.
struct ResolvedSetting {
    let key: String
    let value: String
    let origin: SettingOrigin

    /// How a message names where the value came from, as the user wrote it: the flag, the variable, the key in the
    /// file, or the default.
    var source: String {
        switch origin {
        case .flag: SettingKeys.byName[key]?.flag ?? key
        case .environment(let variable): variable
        case .file: "\(key) in the --config file"
        case .defaultValue, .unknown: key
        }
    }
}

/// An option group whose flags set configuration keys.
protocol SettingFlags {
    /// The flags given, by configuration key (absent when not given).
    func settingFlags() throws -> [String: String]
}

/// The one configuration resolver every command uses, and `config show` prints: flags > `THINKSTREAM_*` environment >
/// `--config` YAML file > defaults (``SettingKeys``). Built on swift-configuration's `ConfigReader`, which asks its
/// four providers in that order; an access reporter records which provider answered, for `config show` and for
/// messages that name the flag, variable or file key a bad value came from.
struct SettingsResolver {
    private let reader: ConfigReader
    private let answers: AnsweringProviderRecorder
    private let extraKeys: [String]

    /// - Parameters:
    ///   - flags: values given on the command line, by key.
    ///   - environment: the process environment (tests pass their own).
    ///   - configFile: the `--config` YAML file, if any.
    /// - Throws: `ValidationError` for an unreadable or malformed file.
    init(
        flags: [String: String], environment: [String: String] = ProcessInfo.processInfo.environment,
        configFile: String?
    ) throws {
        let file = try configFile.map(ConfigurationFile.values(yamlFile:)) ?? [:]
        func provider(_ name: String, _ values: [String: String]) -> InMemoryProvider {
            InMemoryProvider(
                name: name,
                values: Dictionary(
                    values.map {
                        (AbsoluteConfigKey(ConfigKey($0.key)), ConfigValue(.string($0.value), isSecret: false))
                    },
                    uniquingKeysWith: { _, last in last }))
        }
        // Keys are looked up as their variable's lower-case words, which the provider joins with `_` and upper-cases.
        let environmentProvider = EnvironmentVariablesProvider(environmentVariables: environment).mapKeys { key in
            let name = SettingKeys.environmentName(for: key.components.joined(separator: "."))
            return AbsoluteConfigKey(name.lowercased().split(separator: "_").map(String.init))
        }
        let defaults = Dictionary(uniqueKeysWithValues: SettingKeys.all.map { ($0.name, $0.defaultValue) })
        answers = AnsweringProviderRecorder()
        reader = ConfigReader(
            providers: [
                provider("flag", flags), environmentProvider, provider("file", file), provider("default", defaults),
            ],
            accessReporter: answers)
        let environmentProperties = environment.keys.compactMap(SettingKeys.librdkafkaProperty(environmentName:)).map {
            SettingKeys.librdkafkaPrefix + $0
        }
        extraKeys = Set(flags.keys).union(file.keys).union(environmentProperties).subtracting(SettingKeys.byName.keys)
            .sorted()
    }

    /// The resolved value of `key`, or nil where no layer or default has one.
    func resolved(_ key: String) -> ResolvedSetting? {
        guard let value = reader.string(forKey: ConfigKey(key)) else { return nil }
        let origin: SettingOrigin =
            switch answers.answer(for: key) {
            case (0, _)?: .flag
            case (1, let variable)?: .environment(variable: variable)
            case (2, _)?: .file
            case (3, _)?: .defaultValue
            default: .unknown
            }
        return ResolvedSetting(key: key, value: value, origin: origin)
    }

    /// The resolved value of `key` when it is not empty.
    func value(_ key: String) -> ResolvedSetting? {
        resolved(key).flatMap { $0.value.isEmpty ? nil : $0 }
    }

    /// `key` as a whole number in `range`.
    /// - Throws: `ValidationError` naming the flag, variable or file key and what was expected.
    func integer(_ key: String, in range: ClosedRange<Int> = Int.min...Int.max, expected: String) throws -> Int? {
        guard let setting = value(key) else { return nil }
        guard let number = Int(setting.value.trimmingCharacters(in: .whitespaces)), range.contains(number) else {
            throw ValidationError("\(setting.source) '\(setting.value)': expected \(expected)")
        }
        return number
    }

    /// `key` as a finite number of seconds or other quantity accepted by `isValid`.
    /// - Throws: `ValidationError` naming where it came from.
    func number(_ key: String, expected: String, isValid: (Double) -> Bool = { _ in true }) throws -> Double? {
        guard let setting = value(key) else { return nil }
        guard let number = Double(setting.value.trimmingCharacters(in: .whitespaces)), number.isFinite,
            isValid(number)
        else {
            throw ValidationError("\(setting.source) '\(setting.value)': expected \(expected)")
        }
        return number
    }

    /// `key` as 1/0, true/false, yes/no or on/off.
    /// - Throws: `ValidationError` naming where it came from.
    func boolean(_ key: String) throws -> Bool? {
        guard let setting = value(key) else { return nil }
        switch setting.value.lowercased() {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw ValidationError("\(setting.source) '\(setting.value)': use 1 or 0 (true or false)")
        }
    }

    /// Every documented key and every key only a layer names, sorted, resolved.
    func all() -> [ResolvedSetting] {
        (SettingKeys.all.map(\.name) + extraKeys).sorted().map { key in
            resolved(key) ?? ResolvedSetting(key: key, value: "", origin: .unknown)
        }
    }

    /// The librdkafka properties (`kafka.librdkafka.<property>`) of every layer, resolved.
    func librdkafkaProperties() -> [String: String] {
        var properties: [String: String] = [:]
        for key in extraKeys where key.hasPrefix(SettingKeys.librdkafkaPrefix) {
            guard let setting = resolved(key) else { continue }
            properties[String(key.dropFirst(SettingKeys.librdkafkaPrefix.count))] = setting.value
        }
        return properties
    }

    /// `key = value  # source` lines grouped by component, secrets as `******`.
    func render() -> String {
        var output = "# effective configuration: flag > env > file > default; secrets redacted\n"
        var component = ""
        for setting in all() {
            let head = String(setting.key.prefix { $0 != "." })
            if head != component {
                output += "[\(head)]\n"
                component = head
            }
            let shown =
                setting.value.isEmpty
                ? "(unset)" : KafkaSecretProperties.isSecret(setting.key) ? "******" : setting.value
            output += "\(setting.key) = \(shown)  # \(setting.origin.label)\n"
        }
        return output
    }
}

/// Records, per key, which provider (by position) answered the last read, and the name it looked the key up by.
private final class AnsweringProviderRecorder: AccessReporter {
    private let answers = Mutex<[String: (index: Int, encodedKey: String)]>([:])

    func report(_ event: AccessEvent) {
        let key = event.metadata.key.components.joined(separator: ".")
        // The reader stops at the first provider with a value, so the last result is the answer, if it has one.
        guard let last = event.providerResults.last, case .success(let lookup) = last.result, lookup.value != nil
        else {
            answers.withLock { $0[key] = nil }
            return
        }
        answers.withLock { $0[key] = (event.providerResults.count - 1, lookup.encodedKey) }
    }

    func answer(for key: String) -> (index: Int, encodedKey: String)? {
        answers.withLock { $0[key] }
    }
}
