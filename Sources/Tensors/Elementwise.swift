// Elementwise fp32 helpers used by the trainer.
// Legend: count = number of elements; x, y, out = buffers of `count` floats.

/// Simple loops over contiguous fp32 buffers.
public enum Elementwise {
    /// `y[i] += x[i]`.
    ///
    /// - Parameters:
    ///   - y: accumulated in place. // [count]
    ///   - x: added. // [count]
    ///   - count: number of elements.
    public static func add(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, count: Int) {
        for i in 0..<count { y[i] += x[i] }
    }

    /// `out[i] = a[i] + b[i]`; `out` may alias `a` or `b`.
    ///
    /// - Parameters:
    ///   - out: the result. // [count]
    ///   - a: first addend. // [count]
    ///   - b: second addend. // [count]
    ///   - count: number of elements.
    public static func sum(
        _ out: UnsafeMutablePointer<Float>, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int
    ) {
        for i in 0..<count { out[i] = a[i] + b[i] }
    }

    /// `y[i] *= alpha`.
    ///
    /// - Parameters:
    ///   - y: scaled in place. // [count]
    ///   - alpha: the factor.
    ///   - count: number of elements.
    public static func scale(_ y: UnsafeMutablePointer<Float>, by alpha: Float, count: Int) {
        for i in 0..<count { y[i] *= alpha }
    }

    /// The sum of squares, accumulated in `Double`.
    ///
    /// - Parameters:
    ///   - x: the values. // [count]
    ///   - count: number of elements.
    public static func sumOfSquares(_ x: UnsafePointer<Float>, count: Int) -> Double {
        var total = 0.0
        for i in 0..<count {
            let value = Double(x[i])
            total += value * value
        }
        return total
    }

    /// The dot product, accumulated in `Double`.
    ///
    /// - Parameters:
    ///   - x: first vector. // [count]
    ///   - y: second vector. // [count]
    ///   - count: number of elements.
    public static func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, count: Int) -> Double {
        var total = 0.0
        for i in 0..<count { total += Double(x[i]) * Double(y[i]) }
        return total
    }
}
