// TEST-ONLY helper: a minimal F32-only GGUF reader for the golden files in shared/golden/trainer.
// To be replaced by the GGUF module once it lands; it parses the header, skips metadata values of every type,
// reads tensor infos, honours general.alignment (default 32) and copies F32 tensor data.
// Layout (GGUF v2/v3, little-endian): magic "GGUF", u32 version, u64 tensorCount, u64 kvCount,
// kv*: string key, u32 type, value; tensor*: string name, u32 nDims, u64 ne[nDims], u32 ggmlType, u64 offset;
// padding to alignment; data.
import Foundation

struct GoldenGGUF {
    struct ReadError: Error, CustomStringConvertible {
        var description: String
    }

    /// Tensor name -> (ggml ne dims, F32 values in ggml order).
    var tensors: [String: (dims: [Int], values: [Float])] = [:]

    init(path: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        var cursor = Cursor(bytes: [UInt8](data), path: path)
        guard try cursor.bytes(4) == Array("GGUF".utf8) else { throw ReadError(description: "\(path): not GGUF") }
        let version = try cursor.u32()
        guard version == 2 || version == 3 else { throw ReadError(description: "\(path): GGUF version \(version)") }
        let tensorCount = Int(try cursor.u64())
        let kvCount = Int(try cursor.u64())
        var alignment = 32
        for _ in 0..<kvCount {
            let key = try cursor.string()
            let type = try cursor.u32()
            if key == "general.alignment" && type == 4 {
                alignment = Int(try cursor.u32())
            } else {
                try cursor.skipValue(type: type)
            }
        }
        var infos: [(name: String, dims: [Int], offset: Int)] = []
        for _ in 0..<tensorCount {
            let name = try cursor.string()
            let nDims = Int(try cursor.u32())
            var dims: [Int] = []
            for _ in 0..<nDims { dims.append(Int(try cursor.u64())) }
            let type = try cursor.u32()
            guard type == 0 else { throw ReadError(description: "\(path): tensor \(name) has type \(type), need F32") }
            infos.append((name, dims, Int(try cursor.u64())))
        }
        let dataStart = (cursor.position + alignment - 1) / alignment * alignment
        for info in infos {
            let count = info.dims.reduce(1, *)
            let start = dataStart + info.offset
            guard start + 4 * count <= cursor.bytes.count else {
                throw ReadError(description: "\(path): tensor \(info.name) runs past the end")
            }
            var values = [Float](repeating: 0, count: count)
            for i in 0..<count {
                let b = start + 4 * i
                let bits =
                    UInt32(cursor.bytes[b]) | UInt32(cursor.bytes[b + 1]) << 8
                    | UInt32(cursor.bytes[b + 2]) << 16 | UInt32(cursor.bytes[b + 3]) << 24
                values[i] = Float(bitPattern: bits)
            }
            tensors[info.name] = (info.dims, values)
        }
    }

    struct Cursor {
        let bytes: [UInt8]
        let path: String
        var position = 0

        init(bytes: [UInt8], path: String) {
            self.bytes = bytes
            self.path = path
        }

        mutating func bytes(_ count: Int) throws -> [UInt8] {
            guard position + count <= bytes.count else { throw ReadError(description: "\(path): truncated") }
            defer { position += count }
            return Array(bytes[position..<(position + count)])
        }

        mutating func integer(_ size: Int) throws -> UInt64 {
            let raw = try bytes(size)
            return raw.enumerated().reduce(0) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        }

        mutating func u32() throws -> UInt32 { UInt32(try integer(4)) }
        mutating func u64() throws -> UInt64 { try integer(8) }

        mutating func string() throws -> String {
            let length = Int(try u64())
            return String(decoding: try bytes(length), as: UTF8.self)
        }

        /// Skips one metadata value: u8/i8/bool 1, u16/i16 2, u32/i32/f32 4, u64/i64/f64 8, string, array.
        mutating func skipValue(type: UInt32) throws {
            switch type {
            case 0, 1, 7: position += 1
            case 2, 3: position += 2
            case 4, 5, 6: position += 4
            case 10, 11, 12: position += 8
            case 8: _ = try string()
            case 9:
                let elementType = try u32()
                let count = Int(try u64())
                for _ in 0..<count { try skipValue(type: elementType) }
            default: throw ReadError(description: "\(path): unknown metadata type \(type)")
            }
            guard position <= bytes.count else { throw ReadError(description: "\(path): truncated") }
        }
    }
}
