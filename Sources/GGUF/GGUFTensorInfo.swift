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
    /// or the element count or the size overflows.
    static func byteCount(type: GGMLType, dimensions: [Int]) -> Int? {
        guard let rowLength = dimensions.first else { return type.typeSizeBytes }
        guard rowLength % type.blockSize == 0 else { return nil }
        // The element count must fit too, multiplied in `elementCount`'s order; whole blocks per row make it a
        // multiple of the block size.
        var elements = 1
        for dimension in dimensions {
            let (product, overflow) = elements.multipliedReportingOverflow(by: dimension)
            guard !overflow else { return nil }
            elements = product
        }
        let (total, overflow) = (elements / type.blockSize).multipliedReportingOverflow(by: type.typeSizeBytes)
        return overflow ? nil : total
    }
}
