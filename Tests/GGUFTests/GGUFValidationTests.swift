import Foundation
import GGUF
import Quantization
import Testing

@Suite struct GGUFValidationTests {
    /// A small valid file: two tensors, `t.aa` and `t.bb`, and one string key.
    static func validFileBytes() throws -> [UInt8] {
        var writer = GGUFWriter(metadata: try GGUFMetadata([("general.architecture", .string("llama"))]))
        try writer.addTensor(name: "t.aa", dimensions: [8], float32: [Float](repeating: 1, count: 8))
        try writer.addTensor(name: "t.bb", dimensions: [8], float32: [Float](repeating: 2, count: 8))
        return writer.serialized()
    }

    static func openError(_ bytes: [UInt8]) -> GGUFError? {
        let path = GGUFWriterRoundTripTests.temporaryPath("corrupt.gguf")
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            _ = try GGUFFile(path: path)
            return nil
        } catch let error as GGUFError {
            return error
        } catch {
            return nil
        }
    }

    static func offset(of needle: String, in bytes: [UInt8], occurrence: Int = 0) -> Int {
        let pattern = Array(needle.utf8)
        var found = 0
        for start in 0...(bytes.count - pattern.count) where Array(bytes[start..<start + pattern.count]) == pattern {
            if found == occurrence { return start }
            found += 1
        }
        fatalError("'\(needle)' not found")
    }

    @Test func validFixtureOpens() throws {
        #expect(Self.openError(try Self.validFileBytes()) == nil)
    }

    @Test func badMagicIsRejected() throws {
        var bytes = try Self.validFileBytes()
        bytes[0] = UInt8(ascii: "X")
        #expect(Self.openError(bytes)?.code == .badMagic)
    }

    @Test func unsupportedVersionIsRejected() throws {
        var bytes = try Self.validFileBytes()
        bytes[4] = 4
        let error = Self.openError(bytes)
        #expect(error?.code == .unsupportedVersion)
        #expect(error?.message.contains("supported: 2, 3") == true)
    }

    @Test(arguments: [10, 30, 60])
    func truncatedHeaderIsRejected(length: Int) throws {
        let bytes = try Self.validFileBytes()
        #expect(Self.openError(Array(bytes.prefix(length)))?.code == .truncated)
    }

    @Test func truncatedTensorDataIsRejected() throws {
        let bytes = try Self.validFileBytes()
        let error = Self.openError(Array(bytes.dropLast(8)))
        #expect(error?.code == .truncated)
        #expect(error?.message.contains("t.bb") == true)
    }

    @Test func unknownTensorTypeNamesTensorAndSupportedTypes() throws {
        var bytes = try Self.validFileBytes()
        // name "t.bb", then n_dims u32, dims u64, then the type u32.
        let typeOffset = Self.offset(of: "t.bb", in: bytes) + 4 + 4 + 8
        bytes[typeOffset] = 99
        let error = Self.openError(bytes)
        #expect(error?.code == .unknownTensorType)
        #expect(error?.message.contains("'t.bb'") == true)
        #expect(error?.message.contains("q4_K") == true)
    }

    @Test func duplicateTensorNamesAreRejected() throws {
        var bytes = try Self.validFileBytes()
        let second = Self.offset(of: "t.bb", in: bytes)
        bytes.replaceSubrange(second..<second + 4, with: Array("t.aa".utf8))
        let error = Self.openError(bytes)
        #expect(error?.code == .duplicateTensor)
        #expect(error?.message.contains("t.aa") == true)
    }

    @Test func unknownValueTypeIsRejected() throws {
        var bytes = try Self.validFileBytes()
        let typeOffset = Self.offset(of: "general.architecture", in: bytes) + "general.architecture".utf8.count
        bytes[typeOffset] = 13
        #expect(Self.openError(bytes)?.code == .invalidMetadata)
    }

    @Test func missingFileIsAnIOFailure() {
        #expect(throws: GGUFError.self) { try GGUFFile(path: "/nonexistent/model.gguf") }
    }

    static func append<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// A version 3 header with `tensorCount` and `keyCount`; the caller appends the entries.
    static func header(tensorCount: UInt64, keyCount: UInt64) -> [UInt8] {
        var bytes = Array("GGUF".utf8)
        append(UInt32(3), to: &bytes)
        append(tensorCount, to: &bytes)
        append(keyCount, to: &bytes)
        return bytes
    }

    static func openedFromMemory(_ bytes: [UInt8]) throws -> GGUFFile {
        try bytes.withUnsafeBytes { try GGUFFile(bytes: $0, name: "memory.gguf") }
    }

    /// Found by Fuzz/run.sh gguf: an f32 row of 2^62 elements overflowed the size computation (a trap, not an
    /// error), and a shape whose element count overflows but whose size is 0 passed, so `elementCount` trapped.
    @Test(arguments: [(GGMLType.f32, [UInt64(1) << 62]), (GGMLType.q4_0, [32, UInt64(1) << 58, 0])])
    func tensorShapeThatOverflowsIsRejected(type: GGMLType, dimensions: [UInt64]) throws {
        var bytes = Self.header(tensorCount: 1, keyCount: 0)
        Self.append(UInt64(1), to: &bytes)
        bytes.append(UInt8(ascii: "t"))
        Self.append(UInt32(dimensions.count), to: &bytes)
        for dimension in dimensions { Self.append(dimension, to: &bytes) }
        Self.append(type.rawValue, to: &bytes)
        Self.append(UInt64(0), to: &bytes)
        let error = Self.openError(bytes)
        #expect(error?.code == .invalidTensor)
        #expect(error?.message.contains("'t'") == true)
    }

    /// Arrays nested `depth` deep around one uint8, under the key `n`.
    static func nestedArrayFile(depth: Int) -> [UInt8] {
        var bytes = Self.header(tensorCount: 0, keyCount: 1)
        Self.append(UInt64(1), to: &bytes)
        bytes.append(UInt8(ascii: "n"))
        Self.append(GGUFValueType.array.rawValue, to: &bytes)
        for level in 1...depth {
            Self.append(level == depth ? GGUFValueType.uint8.rawValue : GGUFValueType.array.rawValue, to: &bytes)
            Self.append(UInt64(1), to: &bytes)
        }
        bytes.append(7)
        return bytes
    }

    /// Each level of nesting recursed: 200,000 levels (a 2.4 MB file) overflowed the stack.
    @Test func arraysNestedPastTheLimitAreRejected() throws {
        let file = try Self.openedFromMemory(Self.nestedArrayFile(depth: 8))
        var value = file.metadata["n"]
        for _ in 0..<8 { value = value?.arrayValues?.first }
        #expect(value == .uint8(7))

        let error = Self.openError(Self.nestedArrayFile(depth: 200_000))
        #expect(error?.code == .invalidMetadata)
        #expect(error?.message.contains("deeper than 8") == true)
    }

    /// The element count is checked against the bytes left before the array's storage is reserved.
    @Test func arrayClaimingMoreElementsThanTheFileHoldsIsRejected() throws {
        var bytes = Self.header(tensorCount: 0, keyCount: 1)
        Self.append(UInt64(1), to: &bytes)
        bytes.append(UInt8(ascii: "a"))
        Self.append(GGUFValueType.array.rawValue, to: &bytes)
        Self.append(GGUFValueType.uint64.rawValue, to: &bytes)
        Self.append(UInt64(40), to: &bytes)  // under the file size, but 320 bytes of elements
        bytes += [UInt8](repeating: 0, count: 64)
        let error = Self.openError(bytes)
        #expect(error?.code == .truncated)
        #expect(error?.message.contains("array 'a' claims 40 uint64 elements") == true)
    }

    @Test func fileInMemoryReadsLikeTheSameFileOnDisk() throws {
        let bytes = try Self.validFileBytes()
        let path = GGUFWriterRoundTripTests.temporaryPath("memory.gguf")
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let onDisk = try GGUFFile(path: path)
        let inMemory = try Self.openedFromMemory(bytes)
        #expect(inMemory.path == "memory.gguf")
        #expect(inMemory.metadata == onDisk.metadata)
        #expect(inMemory.tensors == onDisk.tensors)
        #expect(inMemory.fileSizeBytes == bytes.count)
        for tensor in inMemory.tensors {
            #expect(Array(inMemory.data(of: tensor)) == Array(onDisk.data(of: tensor)))
        }

        var truncated = bytes
        truncated.removeLast(8)
        #expect(throws: GGUFError.self) { try Self.openedFromMemory(truncated) }
    }
}
