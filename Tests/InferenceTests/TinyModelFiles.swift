import Foundation
import GGUF

/// Small GGUF files written for tests (random weights, tiny dimensions) in a temporary directory.
enum TinyModelFiles {
    /// The qwen3 reference fixture: `Reference/qwen3_reference.json` (made by `Reference/qwen3_reference.py`).
    static func qwen3Reference() throws -> [String: Any] {
        try TestPaths.json(
            at: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .appendingPathComponent("Reference/qwen3_reference.json"))
    }

    /// Writes the qwen3 reference weights as a GGUF file, optionally changing the architecture name or leaving
    /// out one tensor; returns its path.
    static func writeQwen3(architecture: String = "qwen3", omitting omitted: String? = nil) throws -> String {
        let reference = try qwen3Reference()
        let h = reference["hyperparameters"] as! [String: Any]
        func int(_ key: String) -> UInt32 { UInt32((h[key] as! NSNumber).intValue) }
        var metadata = GGUFMetadata()
        metadata.set("general.architecture", .string(architecture))
        metadata.set("\(architecture).block_count", .uint32(int("block_count")))
        metadata.set("\(architecture).context_length", .uint32(256))
        metadata.set("\(architecture).embedding_length", .uint32(int("embedding_length")))
        metadata.set("\(architecture).feed_forward_length", .uint32(int("feed_forward_length")))
        metadata.set("\(architecture).attention.head_count", .uint32(int("head_count")))
        metadata.set("\(architecture).attention.head_count_kv", .uint32(int("head_count_kv")))
        metadata.set("\(architecture).attention.key_length", .uint32(int("key_length")))
        metadata.set("\(architecture).attention.value_length", .uint32(int("key_length")))
        metadata.set("\(architecture).rope.freq_base", .float32((h["rope_freq_base"] as! NSNumber).floatValue))
        metadata.set(
            "\(architecture).attention.layer_norm_rms_epsilon", .float32((h["rms_epsilon"] as! NSNumber).floatValue))
        var writer = GGUFWriter(metadata: metadata)
        for tensor in reference["tensors"] as! [[String: Any]] {
            let name = tensor["name"] as! String
            guard name != omitted else { continue }
            let values = (tensor["values"] as! [NSNumber]).map(\.floatValue)
            try writer.addTensor(name: name, dimensions: tensor["dimensions"] as! [Int], float32: values)
        }
        let path = temporaryPath("qwen3-\(architecture)-\(omitted ?? "all").gguf")
        try writer.write(toPath: path)
        return path
    }

    /// A unique path in the temporary directory.
    static func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("thinkstream-\(UUID().uuidString)-\(name)").path
    }
}
