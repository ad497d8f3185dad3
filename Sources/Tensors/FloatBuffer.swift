// Owned, fixed-size fp32 storage for weights, gradients, optimizer state and activations.

/// A heap buffer of `Float` that owns its memory and frees it on `deinit`; zero-filled on creation.
///
/// Kernels take `pointer` directly (llm.c style). The buffer is not `Sendable`: one owner (a trainer or engine)
/// uses it from its own thread.
public final class FloatBuffer {
    /// Number of elements.
    public let count: Int
    /// The first element; valid for `count` elements while the buffer is alive.
    public let pointer: UnsafeMutablePointer<Float>

    /// Allocates `count` zeroed floats.
    ///
    /// - Parameters:
    ///   - count: number of elements, at least 0.
    public init(count: Int) {
        precondition(count >= 0, "FloatBuffer count must be non-negative, got \(count)")
        self.count = count
        pointer = UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1))
        pointer.initialize(repeating: 0, count: max(count, 1))
    }

    /// Allocates a buffer holding a copy of `values`.
    ///
    /// - Parameters:
    ///   - values: the contents.
    public convenience init(_ values: [Float]) {
        self.init(count: values.count)
        values.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { pointer.update(from: base, count: values.count) }
        }
    }

    deinit { pointer.deallocate() }

    /// Element access, bounds-checked.
    public subscript(index: Int) -> Float {
        get {
            precondition(index >= 0 && index < count, "FloatBuffer index \(index) out of 0..<\(count)")
            return pointer[index]
        }
        set {
            precondition(index >= 0 && index < count, "FloatBuffer index \(index) out of 0..<\(count)")
            pointer[index] = newValue
        }
    }

    /// Sets every element to zero.
    public func zero() { pointer.update(repeating: 0, count: count) }

    /// A copy of the contents as an array.
    public var array: [Float] { Array(UnsafeBufferPointer(start: pointer, count: count)) }
}
