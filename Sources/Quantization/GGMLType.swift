/// A ggml tensor element type, with the ids that GGUF files store (ggml.h `enum ggml_type`).
///
/// Quantized types store elements in blocks: `blockSize` elements take `typeSizeBytes` bytes.
/// Removed and not-yet-supported ids still parse, so a reader can name them in its error message.
public struct GGMLType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let f32 = GGMLType(rawValue: 0)
    public static let f16 = GGMLType(rawValue: 1)
    public static let q4_0 = GGMLType(rawValue: 2)
    public static let q4_1 = GGMLType(rawValue: 3)
    public static let q5_0 = GGMLType(rawValue: 6)
    public static let q5_1 = GGMLType(rawValue: 7)
    public static let q8_0 = GGMLType(rawValue: 8)
    public static let q8_1 = GGMLType(rawValue: 9)
    public static let q2_K = GGMLType(rawValue: 10)
    public static let q3_K = GGMLType(rawValue: 11)
    public static let q4_K = GGMLType(rawValue: 12)
    public static let q5_K = GGMLType(rawValue: 13)
    public static let q6_K = GGMLType(rawValue: 14)
    public static let q8_K = GGMLType(rawValue: 15)
    public static let i8 = GGMLType(rawValue: 24)
    public static let i16 = GGMLType(rawValue: 25)
    public static let i32 = GGMLType(rawValue: 26)
    public static let i64 = GGMLType(rawValue: 27)
    public static let f64 = GGMLType(rawValue: 28)
    public static let bf16 = GGMLType(rawValue: 30)

    /// The block layout of every type this project reads: (elements per block, bytes per block).
    private static let layouts: [UInt32: (name: String, blockSize: Int, typeSizeBytes: Int)] = [
        0: ("f32", 1, 4), 1: ("f16", 1, 2), 2: ("q4_0", 32, 18), 3: ("q4_1", 32, 20),
        6: ("q5_0", 32, 22), 7: ("q5_1", 32, 24), 8: ("q8_0", 32, 34), 9: ("q8_1", 32, 36),
        10: ("q2_K", 256, 84), 11: ("q3_K", 256, 110), 12: ("q4_K", 256, 144), 13: ("q5_K", 256, 176),
        14: ("q6_K", 256, 210), 15: ("q8_K", 256, 292), 24: ("i8", 1, 1), 25: ("i16", 1, 2),
        26: ("i32", 1, 4), 27: ("i64", 1, 8), 28: ("f64", 1, 8), 30: ("bf16", 1, 2),
    ]

    /// Whether this project knows the type's block layout.
    public var isKnown: Bool { Self.layouts[rawValue] != nil }

    /// Elements per block (1 for plain types). Traps for an unknown type: check `isKnown` first.
    public var blockSize: Int { Self.layouts[rawValue]!.blockSize }

    /// Bytes per block. Traps for an unknown type: check `isKnown` first.
    public var typeSizeBytes: Int { Self.layouts[rawValue]!.typeSizeBytes }

    /// Bytes taken by one row of `elementCount` elements, which must be a whole number of blocks.
    public func rowSizeBytes(elementCount: Int) -> Int {
        precondition(elementCount % blockSize == 0, "\(self): \(elementCount) is not a multiple of \(blockSize)")
        return elementCount / blockSize * typeSizeBytes
    }

    /// The ggml spelling (`q4_K`), or `type#N` for an id this project does not know.
    public var description: String { Self.layouts[rawValue]?.name ?? "type#\(rawValue)" }

    /// Every type whose layout is known, in id order.
    public static var knownTypes: [GGMLType] { layouts.keys.sorted().map(GGMLType.init(rawValue:)) }
}
