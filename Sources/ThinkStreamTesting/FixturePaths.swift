import Foundation

/// Where tests find the package, the shared corpora and golden files, and the models.
public enum FixturePaths {
    /// The package root, found from this file's path.
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `../shared` beside the checkout, or THINKSTREAM_SHARED_DIR.
    public static var shared: URL {
        if let explicit = ProcessInfo.processInfo.environment["THINKSTREAM_SHARED_DIR"] {
            return URL(fileURLWithPath: explicit)
        }
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
    }

    /// The corpora under `shared/data`.
    public static var dataDirectory: URL { shared.appendingPathComponent("data") }

    /// `.deps/models` in the checkout, or THINKSTREAM_MODELS_DIR.
    public static var models: URL {
        if let explicit = ProcessInfo.processInfo.environment["THINKSTREAM_MODELS_DIR"] {
            return URL(fileURLWithPath: explicit)
        }
        return packageRoot.appendingPathComponent(".deps/models")
    }

    /// The repository's `schemas/` folder.
    public static var schemas: URL { packageRoot.appendingPathComponent("schemas") }

    /// What every `thinkstream` child process of a test gets on top of the test's own environment (a test's explicit
    /// environment still wins): the tests talk to the embedded broker, so they name its profile, as the demo does.
    public static let embeddedBrokerEnvironment = ["THINKSTREAM_KAFKA_PROFILE": "embedded"]

    /// The environment of a `thinkstream` child process: `base`, then ``embeddedBrokerEnvironment``, then `explicit`.
    public static func childEnvironment(
        base: [String: String] = ProcessInfo.processInfo.environment, explicit: [String: String] = [:]
    ) -> [String: String] {
        base.merging(embeddedBrokerEnvironment) { _, new in new }.merging(explicit) { _, new in new }
    }

    /// The built `thinkstream` executable: THINKSTREAM_BIN, else the one beside the running test bundle.
    public static var thinkstreamExecutable: URL {
        if let explicit = ProcessInfo.processInfo.environment["THINKSTREAM_BIN"] {
            return URL(fileURLWithPath: explicit)
        }
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        return runner.deletingLastPathComponent().appendingPathComponent("thinkstream")
    }
}
