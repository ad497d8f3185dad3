import Foundation
import Quantization

/// Builds a GGUF version 3 file: metadata plus tensors (F32, F16, or raw bytes of any known ggml type),
/// each tensor's data aligned to `general.alignment`.
///
/// Used for test fixtures and checkpoint export.
public struct GGUFWriter: Sendable {
    /// The metadata to write, in order. Set `general.alignment` here to change the alignment.
    public var metadata: GGUFMetadata
    private var tensors: [(info: GGUFTensorInfo, bytes: [UInt8])] = []

    /// Creates a writer with the given metadata.
    public init(metadata: GGUFMetadata = GGUFMetadata()) {
        self.metadata = metadata
    }

    /// Adds a tensor from raw bytes already laid out for `type`.
    /// - Parameters:
    ///   - name: A name not used by another tensor.
    ///   - type: A ggml type with a known block layout.
    ///   - dimensions: ggml order; `dimensions[0]` must be a multiple of the type's block size.
    ///   - bytes: Exactly the bytes the shape needs.
    /// - Throws: `GGUFError.Code.invalidWriterInput` for a duplicate name, unknown type or wrong byte count.
    public mutating func addTensor(name: String, type: GGMLType, dimensions: [Int], bytes: [UInt8]) throws {
        guard !tensors.contains(where: { $0.info.name == name }) else {
            throw GGUFError(.invalidWriterInput, "tensor '\(name)' was already added; names must be unique")
        }
        guard type.isKnown else {
            throw GGUFError(.invalidWriterInput, "tensor '\(name)': type \(type) has no known block layout")
        }
        guard let expected = GGUFTensorInfo.byteCount(type: type, dimensions: dimensions), expected == bytes.count
        else {
            throw GGUFError(
                .invalidWriterInput,
                "tensor '\(name)' of type \(type) and dimensions \(dimensions) got \(bytes.count) bytes; "
                    + "the shape needs whole blocks of \(type.blockSize) elements"
            )
        }
        let info = GGUFTensorInfo(
            name: name, dimensions: dimensions, type: type, relativeOffset: 0, absoluteOffset: 0, byteCount: bytes.count
        )
        tensors.append((info, bytes))
    }

    /// Adds an F32 tensor.
    /// - Throws: `GGUFError.Code.invalidWriterInput` when `values.count` does not match the shape.
    public mutating func addTensor(name: String, dimensions: [Int], float32 values: [Float]) throws {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(values.count * 4)
        for value in values { Self.append(value.bitPattern, to: &bytes) }
        try addTensor(name: name, type: .f32, dimensions: dimensions, bytes: bytes)
    }

    /// Adds an F16 tensor, rounding each value to the nearest half.
    /// - Throws: `GGUFError.Code.invalidWriterInput` when `values.count` does not match the shape.
    public mutating func addTensor(name: String, dimensions: [Int], float16 values: [Float]) throws {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(values.count * 2)
        for value in values { Self.append(Float16(value).bitPattern, to: &bytes) }
        try addTensor(name: name, type: .f16, dimensions: dimensions, bytes: bytes)
    }

    /// The complete file contents.
    public func serialized() -> [UInt8] {
        let alignment = metadata.int("general.alignment") ?? GGUFFile.defaultAlignment
        var out: [UInt8] = []
        Self.append(UInt32(0x4655_4747), to: &out)
        Self.append(UInt32(3), to: &out)
        Self.append(UInt64(tensors.count), to: &out)
        Self.append(UInt64(metadata.count), to: &out)
        for key in metadata.keys {
            let value = metadata[key]!
            Self.append(string: key, to: &out)
            Self.append(value.type.rawValue, to: &out)
            Self.append(value: value, to: &out)
        }
        var offset = 0
        var offsets: [Int] = []
        for tensor in tensors {
            offsets.append(offset)
            offset = (offset + tensor.bytes.count + alignment - 1) / alignment * alignment
        }
        for (tensor, tensorOffset) in zip(tensors, offsets) {
            Self.append(string: tensor.info.name, to: &out)
            Self.append(UInt32(tensor.info.dimensions.count), to: &out)
            for dimension in tensor.info.dimensions { Self.append(UInt64(dimension), to: &out) }
            Self.append(tensor.info.type.rawValue, to: &out)
            Self.append(UInt64(tensorOffset), to: &out)
        }
        for tensor in tensors {
            Self.pad(&out, to: alignment)
            out.append(contentsOf: tensor.bytes)
        }
        Self.pad(&out, to: alignment)
        return out
    }

    /// Writes the file atomically.
    /// - Throws: `GGUFError.Code.ioFailure` when the file cannot be written.
    public func write(toPath path: String) throws {
        do {
            try Data(serialized()).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw GGUFError(.ioFailure, "\(path): cannot write the GGUF file; check the directory", cause: error)
        }
    }

    private static func pad(_ out: inout [UInt8], to alignment: Int) {
        let padded = (out.count + alignment - 1) / alignment * alignment
        out.append(contentsOf: repeatElement(0, count: padded - out.count))
    }

    private static func append<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }

    private static func append(string: String, to out: inout [UInt8]) {
        append(UInt64(string.utf8.count), to: &out)
        out.append(contentsOf: string.utf8)
    }

    private static func append(value: GGUFValue, to out: inout [UInt8]) {
        switch value {
        case .uint8(let v): append(v, to: &out)
        case .int8(let v): append(v, to: &out)
        case .uint16(let v): append(v, to: &out)
        case .int16(let v): append(v, to: &out)
        case .uint32(let v): append(v, to: &out)
        case .int32(let v): append(v, to: &out)
        case .float32(let v): append(v.bitPattern, to: &out)
        case .bool(let v): append(UInt8(v ? 1 : 0), to: &out)
        case .string(let v): append(string: v, to: &out)
        case .uint64(let v): append(v, to: &out)
        case .int64(let v): append(v, to: &out)
        case .float64(let v): append(v.bitPattern, to: &out)
        case .array(let elementType, let values):
            append(elementType.rawValue, to: &out)
            append(UInt64(values.count), to: &out)
            for element in values {
                precondition(element.type == elementType, "array element \(element.type) in a \(elementType) array")
                append(value: element, to: &out)
            }
        }
    }
}
