import Quantization

/// One entry of a GGUF tensor index.
public struct GGUFTensorInfo: Sendable, Equatable {
    /// The tensor's name (`blk.0.attn_q.weight`).
    public var name: String
    /// The dimensions in ggml order: `dimensions[0]` is the contiguous (row) length.
    public var dimensions: [Int]
    /// The element type.
    public var type: GGMLType
    /// The data offset relative to the start of the tensor data section, as stored in the file.
    public var relativeOffset: Int
    /// The data offset from the start of the file.
    public var absoluteOffset: Int
    /// The number of bytes the data takes.
    public var byteCount: Int

    /// The total number of elements (the product of the dimensions).
    public var elementCount: Int { dimensions.reduce(1, *) }

    /// Creates a tensor index entry.
    public init(
        name: String, dimensions: [Int], type: GGMLType, relativeOffset: Int, absoluteOffset: Int, byteCount: Int
    ) {
        self.name = name
        self.dimensions = dimensions
        self.type = type
        self.relativeOffset = relativeOffset
        self.absoluteOffset = absoluteOffset
        self.byteCount = byteCount
    }

    /// The bytes a tensor of this type and shape takes, or `nil` when the row is not a whole number of blocks
    /// or the size overflows.
    static func byteCount(type: GGMLType, dimensions: [Int]) -> Int? {
        guard let rowLength = dimensions.first, rowLength % type.blockSize == 0 else {
            return dimensions.isEmpty ? type.typeSizeBytes : nil
        }
        var total = rowLength / type.blockSize * type.typeSizeBytes
        for dimension in dimensions.dropFirst() {
            let (product, overflow) = total.multipliedReportingOverflow(by: dimension)
            guard !overflow else { return nil }
            total = product
        }
        return total
    }
}
