// Paths and loaders for shared/golden/trainer (test-only).
import Foundation
import Tensors
import Training

enum GoldenFixtures {
    /// `<repo>/../shared/golden/trainer`, found from this file's path; `THINKSTREAM_GOLDEN_DIR` overrides the root.
    static var trainerDirectory: String {
        if let root = ProcessInfo.processInfo.environment["THINKSTREAM_GOLDEN_DIR"] { return root + "/trainer" }
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return repo.deletingLastPathComponent().appendingPathComponent("shared/golden/trainer").path
    }

    static func gguf(_ name: String) throws -> GoldenGGUF {
        try GoldenGGUF(path: trainerDirectory + "/" + name)
    }

    static func reference() throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: trainerDirectory + "/tiny_llama_reference.json"))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw GoldenGGUF.ReadError(description: "tiny_llama_reference.json: not an object")
        }
        return object
    }

    /// Copies every tensor of `file` into `model.parameters` by name (ggml order equals our row-major order).
    static func load(_ file: GoldenGGUF, into model: LlamaModel) {
        for tensor in model.layout.tensors {
            guard let golden = file.tensors[tensor.name] else { preconditionFailure("missing \(tensor.name)") }
            precondition(golden.values.count == tensor.count, "\(tensor.name): size mismatch")
            let base = model.parameters.pointer + tensor.offset
            for i in 0..<tensor.count { base[i] = golden.values[i] }
        }
    }
}
