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

    /// The built `thinkstream` executable beside the test bundle.
    public static var thinkstreamExecutable: URL {
        let bundle = Bundle.main.bundleURL
        let candidates = [bundle.appendingPathComponent("thinkstream"),
                          bundle.deletingLastPathComponent().appendingPathComponent("thinkstream")]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[1]
    }
}
