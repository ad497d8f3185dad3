// GGUF layout (versions 2 and 3; all integers little-endian):
//
//   magic "GGUF" | version u32 | tensor_count u64 | kv_count u64
//   kv_count x  { key: string | value_type u32 | value }
//   tensor_count x { name: string | n_dims u32 | dims u64[n_dims] | ggml_type u32 | offset u64 }
//   padding to `general.alignment` (default 32)
//   tensor data: each tensor at data_start + offset, offsets aligned to `general.alignment`
//
//   string = length u64 | UTF-8 bytes (no terminator)
//   array  = element_type u32 | count u64 | count x value
//
// Reference: ggml docs/gguf.md.

import Quantization

/// A memory-mapped GGUF file: its metadata, its tensor index, and pointers to tensor data inside the mapping.
///
/// The mapping lives as long as this object; data buffers handed out by `data(of:)` are valid only while the
/// `GGUFFile` is alive.
public final class GGUFFile: Sendable {
    /// The path the file was opened from (the name given, for bytes in memory).
    public let path: String
    /// The GGUF version in the header (2 or 3).
    public let version: Int
    /// The key/value metadata.
    public let metadata: GGUFMetadata
    /// The tensor index, in file order.
    public let tensors: [GGUFTensorInfo]
    /// The alignment of tensor data (`general.alignment`, default 32).
    public let alignment: Int
    /// The absolute offset of the tensor data section.
    public let dataOffset: Int
    /// The file size in bytes.
    public var fileSizeBytes: Int { mapping.bytes.count }

    private let mapping: GGUFMapping
    private let tensorIndexByName: [String: Int]

    /// The default alignment when `general.alignment` is absent.
    public static let defaultAlignment = 32

    /// Opens and validates a GGUF file.
    /// - Parameter path: The file to map.
    /// - Throws: `GGUFError` with code `ioFailure`, `badMagic`, `unsupportedVersion`, `truncated`,
    ///   `invalidMetadata`, `duplicateKey`, `unknownTensorType`, `invalidTensor` or `duplicateTensor`.
    public convenience init(path: String) throws {
        try self.init(mapping: GGUFMapping(path: path), path: path)
    }

    /// Reads and validates a GGUF file held in memory; the bytes are copied, so `bytes` need not outlive the call.
    /// - Parameters:
    ///   - bytes: The whole file.
    ///   - name: Names the file in error messages and becomes `path`.
    /// - Throws: `GGUFError` like `init(path:)`, except `ioFailure`.
    public convenience init(bytes: UnsafeRawBufferPointer, name: String) throws {
        try self.init(mapping: GGUFMapping(copying: bytes), path: name)
    }

    private init(mapping: GGUFMapping, path: String) throws {
        self.path = path
        self.mapping = mapping
        var reader = GGUFByteReader(bytes: mapping.bytes, fileName: path)

        let magic = try reader.read(UInt32.self, "the magic")
        guard magic == 0x4655_4747 else {
            throw GGUFError(
                .badMagic, "\(path): magic is 0x\(String(magic, radix: 16)), expected 'GGUF'; not a GGUF file")
        }
        let version = try reader.read(UInt32.self, "the version")
        guard version == 2 || version == 3 else {
            throw GGUFError(.unsupportedVersion, "\(path): GGUF version \(version) is not supported; supported: 2, 3")
        }
        self.version = Int(version)
        let tensorCount = try reader.readCount("the tensor count")
        let keyCount = try reader.readCount("the metadata count")

        var metadata = GGUFMetadata()
        for _ in 0..<keyCount {
            let key = try reader.readString("a metadata key")
            let type = try reader.readValueType(key: key)
            let value = try reader.readValue(of: type, key: key)
            guard metadata[key] == nil else {
                throw GGUFError(.duplicateKey, "\(path): metadata key '\(key)' appears twice")
            }
            metadata.set(key, value)
        }
        self.metadata = metadata

        let alignment = metadata.int("general.alignment") ?? Self.defaultAlignment
        guard alignment > 0, alignment & (alignment - 1) == 0 else {
            throw GGUFError(.invalidMetadata, "\(path): general.alignment is \(alignment); it must be a power of two")
        }
        self.alignment = alignment

        var entries: [(name: String, dims: [Int], type: GGMLType, offset: Int)] = []
        for _ in 0..<tensorCount { entries.append(try Self.readTensorEntry(&reader)) }
        dataOffset = (reader.position + alignment - 1) / alignment * alignment

        var tensors: [GGUFTensorInfo] = []
        var indexByName: [String: Int] = [:]
        for entry in entries {
            guard indexByName[entry.name] == nil else {
                throw GGUFError(.duplicateTensor, "\(path): tensor '\(entry.name)' appears twice; names must be unique")
            }
            let info = try Self.validate(
                entry, path: path, dataOffset: dataOffset, alignment: alignment,
                fileSize: mapping.bytes.count)
            indexByName[entry.name] = tensors.count
            tensors.append(info)
        }
        self.tensors = tensors
        tensorIndexByName = indexByName
    }

    /// The index entry of the tensor named `name`, or `nil`.
    public func tensor(named name: String) -> GGUFTensorInfo? {
        tensorIndexByName[name].map { tensors[$0] }
    }

    /// The tensor's bytes inside the mapping; valid while this `GGUFFile` is alive.
    public func data(of tensor: GGUFTensorInfo) -> UnsafeRawBufferPointer {
        precondition(tensor.absoluteOffset + tensor.byteCount <= mapping.bytes.count, "tensor not from this file")
        return UnsafeRawBufferPointer(
            rebasing: mapping.bytes[tensor.absoluteOffset..<tensor.absoluteOffset + tensor.byteCount])
    }

    /// Releases the resident memory of a tensor that was copied elsewhere (a repacked layout): its pages leave this
    /// process's resident set, and a later read of ``data(of:)`` faults them back from the file.
    ///
    /// - Parameters:
    ///   - bytes: the part of the tensor to release, in bytes from its start; nil releases all of it.
    public func releaseResidentPages(of tensor: GGUFTensorInfo, bytes: Range<Int>? = nil) {
        let part = (bytes ?? 0..<tensor.byteCount).clamped(to: 0..<tensor.byteCount)
        mapping.releaseResidentPages(
            (tensor.absoluteOffset + part.lowerBound)..<(tensor.absoluteOffset + part.upperBound))
    }

    /// Calls `body` with the tensor's bytes inside the mapping.
    /// - Parameters:
    ///   - tensor: An entry of `tensors`.
    ///   - body: Reads the bytes; the buffer must not escape.
    public func withUnsafeBytes<R>(of tensor: GGUFTensorInfo, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows
        -> R
    {
        try body(data(of: tensor))
    }

    private static func readTensorEntry(
        _ reader: inout GGUFByteReader
    ) throws -> (name: String, dims: [Int], type: GGMLType, offset: Int) {
        let name = try reader.readString("a tensor name")
        let dimensionCount = try reader.read(UInt32.self, "the dimension count of '\(name)'")
        guard dimensionCount <= 8 else {
            throw GGUFError(
                .invalidTensor,
                "\(reader.fileName): tensor '\(name)' has \(dimensionCount) dimensions; at most 8 are allowed")
        }
        var dims: [Int] = []
        for _ in 0..<dimensionCount {
            let dimension = try reader.read(UInt64.self, "a dimension of '\(name)'")
            guard let value = Int(exactly: dimension), value >= 0 else {
                throw GGUFError(
                    .invalidTensor,
                    "\(reader.fileName): tensor '\(name)' has dimension \(dimension), which is too large")
            }
            dims.append(value)
        }
        let type = GGMLType(rawValue: try reader.read(UInt32.self, "the type of '\(name)'"))
        let offset = try reader.read(UInt64.self, "the data offset of '\(name)'")
        guard let offsetValue = Int(exactly: offset) else {
            throw GGUFError(
                .truncated, "\(reader.fileName): tensor '\(name)' has offset \(offset) past the end of the file")
        }
        return (name, dims, type, offsetValue)
    }

    private static func validate(
        _ entry: (name: String, dims: [Int], type: GGMLType, offset: Int),
        path: String, dataOffset: Int, alignment: Int, fileSize: Int
    ) throws -> GGUFTensorInfo {
        guard entry.type.isKnown else {
            throw GGUFError(
                .unknownTensorType,
                "\(path): tensor '\(entry.name)' has ggml type id \(entry.type.rawValue), which this reader does not know; "
                    + "supported: \(GGMLType.knownTypes.map(\.description).joined(separator: ", "))"
            )
        }
        guard let byteCount = GGUFTensorInfo.byteCount(type: entry.type, dimensions: entry.dims) else {
            throw GGUFError(
                .invalidTensor,
                "\(path): tensor '\(entry.name)' of type \(entry.type) has dimensions \(entry.dims); the first must be a "
                    + "multiple of \(entry.type.blockSize) and the size must fit in memory"
            )
        }
        guard entry.offset % alignment == 0 else {
            throw GGUFError(
                .invalidTensor,
                "\(path): tensor '\(entry.name)' offset \(entry.offset) is not a multiple of the alignment \(alignment)"
            )
        }
        let (absolute, overflow) = dataOffset.addingReportingOverflow(entry.offset)
        guard !overflow, absolute <= fileSize, byteCount <= fileSize - absolute else {
            throw GGUFError(
                .truncated,
                "\(path): tensor '\(entry.name)' needs bytes \(entry.offset)+\(byteCount) after the data start \(dataOffset), "
                    + "past the end of the \(fileSize)-byte file; the file is truncated"
            )
        }
        return GGUFTensorInfo(
            name: entry.name, dimensions: entry.dims, type: entry.type, relativeOffset: entry.offset,
            absoluteOffset: absolute, byteCount: byteCount
        )
    }
}
