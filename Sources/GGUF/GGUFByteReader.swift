/// A little-endian cursor over the mapped bytes of a GGUF file; every read checks the bounds.
struct GGUFByteReader {
    let bytes: UnsafeRawBufferPointer
    let fileName: String
    var position: Int = 0

    /// The deepest arrays of arrays may nest. The specification sets no limit and model files use none, but each
    /// level recurses, so an unbounded depth would let a 1 MB file overflow the stack.
    static let maximumArrayNesting = 8

    init(bytes: UnsafeRawBufferPointer, fileName: String) {
        self.bytes = bytes
        self.fileName = fileName
    }

    private mutating func advance(_ count: Int, _ what: @autoclosure () -> String) throws -> Int {
        let start = position
        guard count >= 0, count <= bytes.count - start else {
            throw GGUFError(
                .truncated,
                "\(fileName): reading \(what()) needs \(count) bytes at offset \(start), but the file has "
                    + "\(bytes.count) bytes; the file is truncated or corrupt"
            )
        }
        position += count
        return start
    }

    mutating func read<T: FixedWidthInteger>(_: T.Type, _ what: @autoclosure () -> String) throws -> T {
        let start = try advance(MemoryLayout<T>.size, what())
        return T(littleEndian: bytes.loadUnaligned(fromByteOffset: start, as: T.self))
    }

    mutating func readCount(_ what: @autoclosure () -> String) throws -> Int {
        let value = try read(UInt64.self, what())
        guard value <= UInt64(bytes.count) else {
            throw GGUFError(
                .truncated,
                "\(fileName): \(what()) claims \(value) items at offset \(position - 8), more than the file's "
                    + "\(bytes.count) bytes; the file is truncated or corrupt"
            )
        }
        return Int(value)
    }

    mutating func readString(_ what: @autoclosure () -> String) throws -> String {
        let length = try readCount("the length of \(what())")
        let start = try advance(length, what())
        let slice = UnsafeRawBufferPointer(rebasing: bytes[start..<start + length])
        guard let string = String(validating: slice, as: UTF8.self) else {
            throw GGUFError(.invalidMetadata, "\(fileName): \(what()) at offset \(start) is not valid UTF-8")
        }
        return string
    }

    mutating func readValue(of type: GGUFValueType, key: String, nesting: Int = 0) throws -> GGUFValue {
        switch type {
        case .uint8: return .uint8(try read(UInt8.self, "'\(key)'"))
        case .int8: return .int8(try read(Int8.self, "'\(key)'"))
        case .uint16: return .uint16(try read(UInt16.self, "'\(key)'"))
        case .int16: return .int16(try read(Int16.self, "'\(key)'"))
        case .uint32: return .uint32(try read(UInt32.self, "'\(key)'"))
        case .int32: return .int32(try read(Int32.self, "'\(key)'"))
        case .float32: return .float32(Float(bitPattern: try read(UInt32.self, "'\(key)'")))
        case .bool: return .bool(try read(UInt8.self, "'\(key)'") != 0)
        case .string: return .string(try readString("the string value of '\(key)'"))
        case .uint64: return .uint64(try read(UInt64.self, "'\(key)'"))
        case .int64: return .int64(try read(Int64.self, "'\(key)'"))
        case .float64: return .float64(Double(bitPattern: try read(UInt64.self, "'\(key)'")))
        case .array:
            guard nesting < Self.maximumArrayNesting else {
                throw GGUFError(
                    .invalidMetadata,
                    "\(fileName): metadata key '\(key)' nests arrays deeper than \(Self.maximumArrayNesting) levels at "
                        + "offset \(position); the file is corrupt")
            }
            let elementType = try readValueType(key: key)
            let count = try readCount("the element count of array '\(key)'")
            // Checked before reserving: each element takes at least this many bytes of what is left.
            let (needed, overflow) = count.multipliedReportingOverflow(by: Self.minimumEncodedBytes(elementType))
            guard !overflow, needed <= bytes.count - position else {
                throw GGUFError(
                    .truncated,
                    "\(fileName): array '\(key)' claims \(count) \(elementType) elements at offset \(position - 8), "
                        + "more than the \(bytes.count - position) bytes left hold; the file is truncated or corrupt")
            }
            var values: [GGUFValue] = []
            values.reserveCapacity(count)
            for _ in 0..<count { values.append(try readValue(of: elementType, key: key, nesting: nesting + 1)) }
            return .array(elementType: elementType, values: values)
        }
    }

    /// The fewest bytes one value of `type` takes in a file (a string's length, an array's type and count).
    private static func minimumEncodedBytes(_ type: GGUFValueType) -> Int {
        switch type {
        case .uint8, .int8, .bool: 1
        case .uint16, .int16: 2
        case .uint32, .int32, .float32: 4
        case .uint64, .int64, .float64, .string: 8
        case .array: 12
        }
    }

    mutating func readValueType(key: String) throws -> GGUFValueType {
        let raw = try read(UInt32.self, "the value type of '\(key)'")
        guard let type = GGUFValueType(rawValue: raw) else {
            throw GGUFError(
                .invalidMetadata,
                "\(fileName): metadata key '\(key)' has value type \(raw); supported: 0...12 "
                    + "(\(GGUFValueType.allCases.map(\.description).joined(separator: ", ")))"
            )
        }
        return type
    }
}
