// Writing a Hugging Face model directory (model.safetensors + config.json): file I/O, Foundation only here.
import Foundation

/// Exports a ``LlamaModel`` as a directory `transformers.LlamaForCausalLM.from_pretrained` can load.
public enum HuggingFaceExport {
    /// Writes `model.safetensors` and `config.json` into `directory` (created if missing).
    ///
    /// - Parameters:
    ///   - model: the weights and shape.
    ///   - directory: the output directory.
    ///   - bosTokenID, eosTokenID: the tokenizer's special ids, recorded in `config.json` when known.
    /// - Throws: `TrainingError` `.checkpointIO` naming the file that could not be written.
    public static func write(_ model: LlamaModel, to directory: String, bosTokenID: Int? = nil, eosTokenID: Int? = nil)
        throws
    {
        var writer = SafetensorsWriter()
        for tensor in model.huggingFaceTensors() { writer.add(tensor.name, shape: tensor.shape, values: tensor.values) }
        let files = [
            ("model.safetensors", Data(writer.bytes())),
            ("config.json", Data(model.huggingFaceConfigJSON(bosTokenID: bosTokenID, eosTokenID: eosTokenID).utf8)),
        ]
        for (name, data) in files {
            let path = directory + "/" + name
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                try data.write(to: URL(fileURLWithPath: path), options: .atomic)
            } catch {
                throw TrainingError(
                    .checkpointIO, "\(path): cannot write export; check free space and permissions", cause: error)
            }
        }
    }
}
