/// The keys and values of one sequence, for every layer, up to a fixed capacity.
///
/// Storage is F16, as llama.cpp's default cache (`2 * layers * kvDim * 2` bytes per position); the attention
/// kernels widen it to F32 as they read. Memory is allocated once, for `capacity` positions; pages are only
/// touched as positions fill.
public final class KVCache {
    /// Positions this cache can hold.
    public let capacity: Int
    /// Positions filled so far.
    public internal(set) var count = 0
    let layerCount: Int
    let keyValueHeadCount: Int
    let headDimension: Int
    let keys: UnsafeMutablePointer<UInt16>  // [layer, kvHead, capacity, headDim]
    let values: UnsafeMutablePointer<UInt16>  // [layer, kvHead, capacity, headDim]

    /// Bytes of memory the cache reserves.
    public var reservedBytes: Int { 2 * layerCount * keyValueHeadCount * capacity * headDimension * 2 }

    init(layerCount: Int, keyValueHeadCount: Int, headDimension: Int, capacity: Int) {
        precondition(capacity > 0, "KVCache: capacity must be positive")
        self.capacity = capacity
        self.layerCount = layerCount
        self.keyValueHeadCount = keyValueHeadCount
        self.headDimension = headDimension
        let size = layerCount * keyValueHeadCount * capacity * headDimension
        keys = .allocate(capacity: size)
        values = .allocate(capacity: size)
    }

    deinit {
        keys.deallocate()
        values.deallocate()
    }

    /// The first key of `kvHead` in `layer`; position `j` is `headDimension * j` floats further.
    @inline(__always)
    func keyBase(layer: Int, kvHead: Int) -> UnsafeMutablePointer<UInt16> {
        keys + ((layer * keyValueHeadCount + kvHead) * capacity) * headDimension
    }

    /// The first value of `kvHead` in `layer`; position `j` is `headDimension * j` floats further.
    @inline(__always)
    func valueBase(layer: Int, kvHead: Int) -> UnsafeMutablePointer<UInt16> {
        values + ((layer * keyValueHeadCount + kvHead) * capacity) * headDimension
    }

    /// Forgets every position (the memory stays reserved).
    public func clear() { count = 0 }

    /// Fills this empty cache with positions `0..<positions` of `source`, a cache of the same model whose first
    /// `positions` tokens are this sequence's too: what prefilling them would store, without the forward pass.
    func copyPrefix(of source: KVCache, positions: Int) {
        precondition(
            count == 0 && positions <= source.count && positions <= capacity && layerCount == source.layerCount
                && keyValueHeadCount == source.keyValueHeadCount && headDimension == source.headDimension,
            "KVCache.copyPrefix: caches of different shapes, or not enough positions")
        for layer in 0..<layerCount {
            for kvHead in 0..<keyValueHeadCount {
                keyBase(layer: layer, kvHead: kvHead).update(
                    from: source.keyBase(layer: layer, kvHead: kvHead), count: positions * headDimension)
                valueBase(layer: layer, kvHead: kvHead).update(
                    from: source.valueBase(layer: layer, kvHead: kvHead), count: positions * headDimension)
            }
        }
        count = positions
    }
}
