import Foundation
import GGUF
import Quantization
import Testing

@Suite struct GGUFWriterRoundTripTests {
    static func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("gguf-\(UUID().uuidString)-\(name)").path
    }

    static let everyValue: [(String, GGUFValue)] = [
        ("u8", .uint8(200)), ("i8", .int8(-100)), ("u16", .uint16(60000)), ("i16", .int16(-30000)),
        ("u32", .uint32(4_000_000_000)), ("i32", .int32(-2_000_000_000)), ("f32", .float32(3.25)),
        ("bool.true", .bool(true)), ("bool.false", .bool(false)), ("str", .string("héllo ▁ wörld")),
        ("empty.str", .string("")), ("u64", .uint64(UInt64.max)), ("i64", .int64(Int64.min)),
        ("f64", .float64(-1.0e-300)),
        ("arr.u8", .array(elementType: .uint8, values: [.uint8(1), .uint8(2)])),
        ("arr.i8", .array(elementType: .int8, values: [.int8(-1)])),
        ("arr.u16", .array(elementType: .uint16, values: [.uint16(7)])),
        ("arr.i16", .array(elementType: .int16, values: [.int16(-7)])),
        ("arr.u32", .array(elementType: .uint32, values: [.uint32(9), .uint32(10)])),
        ("arr.i32", .array(elementType: .int32, values: [.int32(-9), .int32(3)])),
        ("arr.f32", .array(elementType: .float32, values: [.float32(0.5), .float32(-2)])),
        ("arr.bool", .array(elementType: .bool, values: [.bool(true), .bool(false)])),
        ("arr.str", .array(elementType: .string, values: [.string("a"), .string(""), .string("日本")])),
        ("arr.u64", .array(elementType: .uint64, values: [.uint64(1 << 40)])),
        ("arr.i64", .array(elementType: .int64, values: [.int64(-(1 << 40))])),
        ("arr.f64", .array(elementType: .float64, values: [.float64(1e100)])),
        ("arr.empty", .array(elementType: .float32, values: [])),
        (
            "arr.nested",
            .array(
                elementType: .array,
                values: [
                    .array(elementType: .int32, values: [.int32(1), .int32(2)]),
                    .array(elementType: .string, values: [.string("x")]),
                ])
        ),
        ("general.alignment", .uint32(64)),
    ]

    @Test func everyValueTypeAndTensorSurvivesWriteThenRead() throws {
        var writer = GGUFWriter(metadata: try GGUFMetadata(Self.everyValue))
        let floats: [Float] = (0..<12).map { Float($0) * 0.5 - 1 }
        try writer.addTensor(name: "f32.weight", dimensions: [4, 3], float32: floats)
        try writer.addTensor(name: "f16.weight", dimensions: [6], float16: [1, -2, 0.5, 65504, 0, -0.25])
        let q8Bytes = (0..<68).map { UInt8($0) }
        try writer.addTensor(name: "q8.weight", type: .q8_0, dimensions: [32, 2], bytes: q8Bytes)
        let path = Self.temporaryPath("roundtrip.gguf")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try writer.write(toPath: path)

        let file = try GGUFFile(path: path)
        #expect(file.version == 3)
        #expect(file.alignment == 64)
        #expect(file.metadata == writer.metadata)
        #expect(file.metadata.keys == Self.everyValue.map(\.0))
        #expect(file.metadata.uint32("u32") == 4_000_000_000)
        #expect(file.metadata.string("str") == "héllo ▁ wörld")
        #expect(file.metadata.stringArray("arr.str") == ["a", "", "日本"])
        #expect(file.metadata.int32Array("arr.i32") == [-9, 3])
        #expect(file.metadata.floatArray("arr.f32") == [0.5, -2])
        #expect(file.metadata.float("f32") == 3.25)
        #expect(file.metadata.uint64("u64") == UInt64.max)
        #expect(file.metadata.bool("bool.true") == true)

        #expect(file.tensors.map(\.name) == ["f32.weight", "f16.weight", "q8.weight"])
        let f32 = try #require(file.tensor(named: "f32.weight"))
        #expect(f32.dimensions == [4, 3] && f32.type == .f32 && f32.byteCount == 48)
        #expect(f32.absoluteOffset % 64 == 0 && f32.absoluteOffset == file.dataOffset)
        #expect(file.data(of: f32).withMemoryRebound(to: Float.self) { Array($0) } == floats)
        let f16 = try #require(file.tensor(named: "f16.weight"))
        let halves = file.data(of: f16).withMemoryRebound(to: UInt16.self) { Array($0) }
        #expect(halves == [Float(1), -2, 0.5, 65504, 0, -0.25].map { Float16($0).bitPattern })
        let q8 = try #require(file.tensor(named: "q8.weight"))
        #expect(q8.relativeOffset == 128 && q8.byteCount == 68)
        #expect(Array(file.data(of: q8)) == q8Bytes)
    }

    @Test func writerRejectsWrongByteCountAndDuplicateNames() throws {
        var writer = GGUFWriter()
        #expect(throws: GGUFError.self) {
            try writer.addTensor(name: "bad", type: .q4_0, dimensions: [16], bytes: [UInt8](repeating: 0, count: 18))
        }
        try writer.addTensor(name: "a", dimensions: [1], float32: [1])
        let error = #expect(throws: GGUFError.self) { try writer.addTensor(name: "a", dimensions: [1], float32: [1]) }
        #expect(error?.code == .invalidWriterInput)
    }
}
