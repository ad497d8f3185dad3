import Quantization

/// Buffers for one forward pass, grown to the largest batch seen and reused.
final class ForwardScratch {
    private(set) var rowCapacity = 0
    private var storage: [UnsafeMutableRawPointer] = []

    var x: UnsafeMutablePointer<Float>!  // [T, d] residual stream
    var normed: UnsafeMutablePointer<Float>!  // [T, d]
    var query: UnsafeMutablePointer<Float>!  // [T, qDim]
    var key: UnsafeMutablePointer<Float>!  // [T, kvDim]
    var value: UnsafeMutablePointer<Float>!  // [T, kvDim]
    var attention: UnsafeMutablePointer<Float>!  // [T, qDim]
    var projected: UnsafeMutablePointer<Float>!  // [T, d]
    var gate: UnsafeMutablePointer<Float>!  // [T, ff]
    var up: UnsafeMutablePointer<Float>!  // [T, ff]
    var halves: UnsafeMutablePointer<UInt16>!  // [T, max(ff, qDim)] F16 round trips
    var rotary: UnsafeMutablePointer<Float>!  // [T, nRot] (cos, sin) for the full-attention base
    var rotarySliding: UnsafeMutablePointer<Float>!  // [T, nRot] for the sliding-window base
    /// Quantized activations, one buffer per activation type in use.
    var quantized: [(type: GGMLType, bytes: UnsafeMutableRawPointer, rowBytes: Int)] = []

    /// How the current forward pass's projections treat its rows.
    var projectionRuns: [ProjectionRun] = []

    /// Per-thread dequantized weight rows for the F32 projections.
    var dequantized: [UnsafeMutablePointer<Float>] = []  // per thread: [dequantizedCapacity]
    private var dequantizedCapacity = 0

    /// Per-thread attention scores, sized to the largest span seen.
    var scores: [UnsafeMutablePointer<Float>] = []  // per thread: [capacity]
    private var scoreCapacity = 0

    /// Makes every buffer hold at least `T` rows of model `h`.
    func reserve(rows T: Int, hyperparameters h: ModelHyperparameters, activationTypes: [GGMLType]) {
        guard T > rowCapacity else { return }
        for pointer in storage { pointer.deallocate() }
        storage.removeAll()
        let rows = max(T, rowCapacity * 2)
        func floats(_ count: Int) -> UnsafeMutablePointer<Float> {
            let raw = UnsafeMutableRawPointer.allocate(byteCount: count * 4, alignment: 64)
            storage.append(raw)
            return raw.bindMemory(to: Float.self, capacity: count)
        }
        let d = h.embeddingLength, ff = h.feedForwardLength
        x = floats(rows * d)
        normed = floats(rows * d)
        query = floats(rows * h.queryDimension)
        key = floats(rows * h.keyValueDimension)
        value = floats(rows * h.keyValueDimension)
        attention = floats(rows * h.queryDimension)
        projected = floats(rows * d)
        gate = floats(rows * ff)
        up = floats(rows * ff)
        let halfBytes = UnsafeMutableRawPointer.allocate(
            byteCount: rows * max(ff, h.queryDimension, d) * 2, alignment: 64)
        storage.append(halfBytes)
        halves = halfBytes.bindMemory(to: UInt16.self, capacity: rows * max(ff, h.queryDimension, d))
        rotary = floats(rows * h.rotaryDimensions)
        rotarySliding = floats(rows * h.rotaryDimensions)
        let widest = max(d, ff, h.queryDimension)
        quantized = activationTypes.map { type in
            let rowBytes = type.rowSizeBytes(elementCount: widest)
            let bytes = UnsafeMutableRawPointer.allocate(byteCount: rows * rowBytes, alignment: 64)
            storage.append(bytes)
            return (type, bytes, rowBytes)
        }
        rowCapacity = rows
    }

    /// Makes each of `threads` score buffers hold `count` floats.
    func reserveScores(_ count: Int, threads: Int) {
        guard count > scoreCapacity || scores.count < threads else { return }
        for pointer in scores { pointer.deallocate() }
        scoreCapacity = max(count, scoreCapacity * 2, 256)
        scores = (0..<threads).map { _ in .allocate(capacity: scoreCapacity) }
    }

    /// Makes each of `threads` dequantization buffers hold `count` floats.
    func reserveDequantized(floats count: Int, threads: Int) {
        guard count > dequantizedCapacity || dequantized.count < threads else { return }
        for pointer in dequantized { pointer.deallocate() }
        dequantizedCapacity = max(count, dequantizedCapacity)
        dequantized = (0..<threads).map { _ in .allocate(capacity: dequantizedCapacity) }
    }

    /// The buffer for activations of `type`.
    func quantizedBuffer(for type: GGMLType) -> UnsafeMutableRawPointer {
        quantized.first { $0.type == type }!.bytes
    }

    deinit {
        for pointer in storage { pointer.deallocate() }
        for pointer in scores { pointer.deallocate() }
        for pointer in dequantized { pointer.deallocate() }
    }
}
