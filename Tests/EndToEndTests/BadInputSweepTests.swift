import Foundation
import Testing
import ThinkStreamTesting

/// Every command, found by walking `thinkstream --help`, refuses bad input by name with exit 64 before it touches a
/// broker, a model or a port: an unknown flag, a non-number for every numeric option, and a malformed value for every
/// `THINKSTREAM_*` variable its help names. A new variable must be added to one of the tables below, so none slips by.
@Suite(.serialized)
struct BadInputSweepTests {
    /// A malformed value per variable, and the text the refusal must contain (default: the variable's name).
    static let malformed: [String: (value: String, named: String?)] = [
        "THINKSTREAM_KAFKA_BOOTSTRAP_SERVERS": ("127.0.0.1:99999", nil),
        "THINKSTREAM_KAFKA_PROFILE": ("bogus", nil),
        "THINKSTREAM_KAFKA_REQUEST_TIMEOUT": ("abc", nil),
        "THINKSTREAM_KAFKA_SASL_MECHANISM": ("ROT13", nil),
        "THINKSTREAM_KAFKA_TLS": ("maybe", nil),
        "THINKSTREAM_KAFKA_TLS_CA_LOCATION": ("/nonexistent/ca.pem", nil),
        "THINKSTREAM_TOPICS_PREFIX": ("bad prefix", nil),
        "THINKSTREAM_CONFIG": ("/nonexistent/thinkstream.yaml", "/nonexistent/thinkstream.yaml"),
        "THINKSTREAM_MODEL": ("/nonexistent/model.gguf", nil),
        "THINKSTREAM_MODELS_DIR": ("/nonexistent-models", nil),
        "THINKSTREAM_METRICS_PORT": ("abc", nil),
        "THINKSTREAM_METRICS_INTERVAL": ("-1", "interval"),
        "THINKSTREAM_DASHBOARD_PORT": ("x", nil),
        "THINKSTREAM_BROKER_PORT": ("x", nil),
        "THINKSTREAM_MODEL_CONTEXT": ("0", nil),
        "THINKSTREAM_MODEL_THREADS": ("x", nil),
        "THINKSTREAM_MODEL_SHARE_PROMPT_PREFIXES": ("maybe", nil),
        "THINKSTREAM_MODEL_REPACK_WEIGHTS": ("sometimes", nil),
        "THINKSTREAM_FEED_PARTITIONS": ("0", nil),
        "THINKSTREAM_FEED_MAX_DOCUMENT_BYTES": ("x", nil),
        "THINKSTREAM_FEED_STDIN_FORMAT": ("bogus", nil),
        "THINKSTREAM_FEED_STRICT": ("maybe", nil),
        "THINKSTREAM_TOP_REFRESH": ("-1", nil),
        "THINKSTREAM_DASHBOARD_BACKFILL": ("x", nil),
    ]
    /// Variables whose every value is valid (names, hosts, folders, secrets), or that take a family of keys.
    static let freeForm: Set<String> = [
        "THINKSTREAM_KAFKA_SASL_USERNAME", "THINKSTREAM_KAFKA_SASL_PASSWORD", "THINKSTREAM_KAFKA_LIBRDKAFKA_",
        "THINKSTREAM_STATE_DIR", "THINKSTREAM_METRICS_HOST", "THINKSTREAM_FEED_TEXT_FIELD", "THINKSTREAM_FEED_ID_FIELD",
        "THINKSTREAM_DASHBOARD_HOST", "THINKSTREAM_DASHBOARD_FROM",
        "THINKSTREAM_INSTANCE_ID", "THINKSTREAM_COMPONENT_CAMEL_NAME", "THINKSTREAM_METRICS_", "THINKSTREAM_",
    ]
    /// What a command needs besides options to get past argument parsing.
    static func requiredArguments(_ command: [String], scratch: String) -> [String] {
        switch command.joined(separator: " ") {
        case "feed", "score": ["/dev/null"]
        case "shards import": [scratch]
        case "shards export": ["--out", scratch + "/export"]
        case "shards pack": ["/dev/null", "--eos-token-id", "2"]
        case "tokenize": ["hello"]
        case "eval": ["--checkpoint", scratch + "/checkpoints", "--file", "/dev/null"]
        case "train", "train run": ["--checkpoint-dir", scratch + "/checkpoints"]
        case "train export": ["--checkpoint", scratch + "/checkpoints", "--gguf", scratch + "/out.gguf"]
        case "dlq redrive": ["--reason", "engine_failed"]
        default: []
        }
    }

    /// Every command that runs something: leaves of the tree, and groups with a default subcommand.
    static func commands(_ path: [String] = []) throws -> [(path: [String], help: String)] {
        guard path.count <= 3 else {
            Issue.record("the command tree is deeper than 3 at \(path); is the help parsed right?")
            return []
        }
        let help = try CommandRunner.run(path + ["--help"], timeout: .seconds(30)).standardOutput
        guard let section = help.range(of: "SUBCOMMANDS:") else { return [(path, help)] }
        let names = help[section.upperBound...].split(separator: "\n").compactMap { line -> String? in
            // "  name   abstract" or "  name (default)   abstract"; names are lower-case words with hyphens.
            guard line.hasPrefix("  "), !line.hasPrefix("   "), let name = line.split(separator: " ").first,
                name.allSatisfy({ $0.isLowercase || $0 == "-" }), name != "help"
            else { return nil }
            return String(name)
        }
        var found: [(path: [String], help: String)] = help.contains("(default)") ? [(path, help)] : []
        for name in names { found += try commands(path + [name]) }
        return found
    }

    /// An unreachable broker and a short timeout, so a refusal that fails to happen shows as exit 69, not a hang.
    static let baseEnvironment = [
        "THINKSTREAM_KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:1", "THINKSTREAM_KAFKA_REQUEST_TIMEOUT": "2",
        "THINKSTREAM_BROKER_PORT": "1", "THINKSTREAM_KAFKA_PROFILE": "embedded",
    ]

    @Test func everyCommandRefusesBadFlagsAndBadEnvironmentValuesByNameWithExit64() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-\(UUID())").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let commands = try Self.commands()
        #expect(commands.count >= 25, "found only \(commands.map { $0.path.joined(separator: " ") })")
        var checks = 0
        for (path, help) in commands {
            let name = path.joined(separator: " ")
            let required = Self.requiredArguments(path, scratch: scratch)
            func refused(
                _ arguments: [String], environment: [String: String] = [:], naming text: String, _ what: String
            ) throws {
                let result = try CommandRunner.run(
                    path + required + arguments, environment: Self.baseEnvironment.merging(environment) { $1 },
                    timeout: .seconds(30))
                checks += 1
                #expect(
                    result.exitCode == 64,
                    "\(name) \(what): exit \(result.exitCode): \(result.standardError.suffix(400))")
                #expect(
                    result.standardError.contains(text),
                    "\(name) \(what): the refusal does not name \(text): \(result.standardError.suffix(400))")
            }
            try refused(["--no-such-flag"], naming: "--no-such-flag", "unknown flag")
            for option in Self.numericOptions(help) {
                try refused(["--\(option)", "not-a-number"], naming: "--\(option)", "--\(option) not-a-number")
            }
            for variable in Set(Self.variables(help)) {
                if Self.freeForm.contains(variable) { continue }
                guard let (value, named) = Self.malformed[variable] else {
                    Issue.record(
                        "\(name) reads \(variable): add a malformed value to BadInputSweepTests.malformed or list it as free-form"
                    )
                    continue
                }
                try refused([], environment: [variable: value], naming: named ?? variable, "\(variable)=\(value)")
            }
        }
        #expect(checks >= 150, "only \(checks) checks ran")
    }

    /// Options whose help shows a numeric default (`(default: 3)`): their values are parsed as numbers.
    static func numericOptions(_ help: String) -> [String] {
        let body = help.components(separatedBy: "OPTIONS:").dropFirst().joined()
        var options: [String] = []
        var current: String?
        for line in body.split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("--"), trimmed.contains(" <") {
                current = String(trimmed.dropFirst(2).prefix { $0 != " " })
            } else if trimmed.hasPrefix("-") {
                current = nil
            }
            if let option = current, let range = line.range(of: "(default: "),
                Double(line[range.upperBound...].prefix { $0 != ")" }) != nil
            {
                options.append(option)
                current = nil
            }
        }
        return options
    }

    /// The `THINKSTREAM_*` names a help text mentions (`THINKSTREAM_KAFKA_LIBRDKAFKA_<KEY>` as its prefix).
    static func variables(_ help: String) -> [String] {
        var names: [String] = []
        var rest = help[...]
        while let start = rest.range(of: "THINKSTREAM_") {
            let name = rest[start.lowerBound...].prefix { $0.isUppercase || $0.isNumber || $0 == "_" }
            names.append(String(name))
            rest = rest[start.upperBound...]
        }
        return names
    }
}
