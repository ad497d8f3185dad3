import GGUF
import Quantization

/// An F32 vector inside the memory-mapped file: a norm weight or a bias.
struct VectorWeights: @unchecked Sendable {
    // Reason for @unchecked Sendable: `values` points into the read-only mapping owned by the model's GGUFFile.
    let values: UnsafePointer<Float>  // [count]
    let count: Int

    /// Looks up a 1-D F32 tensor of `count` elements.
    ///
    /// - Throws: `.missingTensor`, `.invalidTensorShape` or `.unsupportedTensorType`, naming the tensor.
    static func load(_ name: String, from file: GGUFFile, count: Int) throws -> VectorWeights {
        guard let info = file.tensor(named: name) else {
            throw InferenceError(.missingTensor, "\(file.path): required tensor '\(name)' is missing")
        }
        guard info.dimensions == [count] else {
            throw InferenceError(
                .invalidTensorShape,
                "\(file.path): tensor '\(name)' has dimensions \(info.dimensions); expected [\(count)]")
        }
        guard info.type == .f32 else {
            throw InferenceError(
                .unsupportedTensorType, "\(file.path): tensor '\(name)' has type \(info.type); supported: f32")
        }
        let data = file.data(of: info)
        return VectorWeights(values: data.baseAddress!.assumingMemoryBound(to: Float.self), count: count)
    }
}
