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
}
