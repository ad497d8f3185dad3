// The safetensors format (huggingface/safetensors): u64 little-endian header length H, then H bytes of UTF-8 JSON
// {"<name>": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ..., "__metadata__": {..}} padded with
// spaces to a multiple of 8, then the tensors' raw little-endian bytes; offsets are relative to the data start.
// Legend: H = header length in bytes.

/// Builds an F32 safetensors file in memory, tensors in the order added.
public struct SafetensorsWriter {
    struct Entry {
        var name: String
        var shape: [Int]
        var values: [Float]
    }

    var entries: [Entry] = []
    /// String metadata written under `__metadata__` (e.g. `format: pt`).
    public var metadata: [String: String] = ["format": "pt"]

    /// Creates an empty writer.
    public init() {}

    /// Adds one F32 tensor.
    ///
    /// - Parameters:
    ///   - name: the tensor name (letters, digits, `.`, `_`; JSON-escaped otherwise).
    ///   - shape: row-major shape, outermost first.
    ///   - values: `shape.reduce(1, *)` values. // [shape]
    public mutating func add(_ name: String, shape: [Int], values: [Float]) {
        precondition(values.count == shape.reduce(1, *), "\(name): \(values.count) values for shape \(shape)")
        precondition(!entries.contains { $0.name == name }, "duplicate tensor \(name)")
        entries.append(Entry(name: name, shape: shape, values: values))
    }

    /// The whole file.
    public func bytes() -> [UInt8] {
        var fields: [String] = []
        var offset = 0
        for entry in entries {
            let end = offset + entry.values.count * 4
            let shape = entry.shape.map(String.init).joined(separator: ",")
            fields.append(
                "\(Self.quoted(entry.name)):{\"dtype\":\"F32\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}"
            )
            offset = end
        }
        let meta = metadata.sorted { $0.key < $1.key }.map { "\(Self.quoted($0.key)):\(Self.quoted($0.value))" }
        fields.append("\"__metadata__\":{\(meta.joined(separator: ","))}")
        var header = Array(("{" + fields.joined(separator: ",") + "}").utf8)
        while header.count % 8 != 0 { header.append(0x20) }
        var out: [UInt8] = []
        out.reserveCapacity(8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { out.append(contentsOf: $0) }
        out += header
        for entry in entries {
            entry.values.withUnsafeBytes { out.append(contentsOf: $0) }  // fp32 little-endian hosts only
        }
        return out
    }

    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case _ where scalar.value < 0x20:
                result +=
                    "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                    + String(scalar.value, radix: 16)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
