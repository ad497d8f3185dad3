import Quantization

/// Builders for test rows of ggml blocks.
enum TestBlocks {
    /// A random weight row of `count` elements of `type`: random quant bytes, with every block's fp16 scales set to
    /// small finite values so dot products stay well-conditioned.
    static func randomWeightRow(_ type: GGMLType, count: Int, using generator: inout SeededGenerator) -> [UInt8] {
        switch type {
        case .f32:
            return generator.floats(count).withUnsafeBytes { Array($0) }
        case .f16:
            return generator.floats(count).map(GGMLReference.fp32ToFp16Reference).withUnsafeBytes { Array($0) }
        case .bf16:
            return generator.floats(count).map(GGMLReference.fp32ToBf16Reference).withUnsafeBytes { Array($0) }
        default:
            break
        }
        var bytes = generator.bytes(type.rowSizeBytes(elementCount: count))
        let halfOffsets: [Int] =
            switch type {
            case .q4_0, .q5_0, .q8_0: [0]
            case .q4_1, .q5_1, .q4_K, .q5_K: [0, 2]
            case .q6_K: [208]
            default: []
            }
        for block in 0..<count / type.blockSize {
            for offset in halfOffsets {
                let scale = Float.random(in: 0.001..<0.05, using: &generator)
                let bits = GGMLReference.fp32ToFp16Reference(scale)
                bytes[block * type.typeSizeBytes + offset] = UInt8(bits & 0xFF)
                bytes[block * type.typeSizeBytes + offset + 1] = UInt8(bits >> 8)
            }
        }
        return bytes
    }

    /// `x` quantized with the fast kernel to `type` (an activation type).
    static func quantizedActivations(_ x: [Float], to type: GGMLType) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: type.rowSizeBytes(elementCount: x.count))
        x.withUnsafeBufferPointer { source in
            bytes.withUnsafeMutableBytes { QuantizedMatrix.quantizeActivations(source, to: type, into: $0) }
        }
        return bytes
    }

    /// The row dequantized with the reference.
    static func dequantizedReference(_ bytes: [UInt8], type: GGMLType, count: Int) -> [Float] {
        var y = [Float](repeating: 0, count: count)
        bytes.withUnsafeBytes { x in
            y.withUnsafeMutableBufferPointer {
                GGMLReference.dequantizeRowReference(type: type, x.baseAddress!, into: $0)
            }
        }
        return y
    }
}
