// SplitMix64 (Steele, Lea & Flood 2014, "Fast splittable pseudorandom number generators"): the one seeded RNG of
// the sampler, the prompt builder, weight initialization and the trainer's data order.
// Legend: state = the whole generator state (one UInt64), so a checkpoint stores it exactly.
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A small, fast, seedable generator whose entire state is ``state``: saving and restoring it resumes the stream.
public struct SplitMix64: RandomNumberGenerator, Sendable, Hashable, Codable {
    /// The generator state; the next output depends only on it.
    public var state: UInt64

    /// Creates a generator.
    ///
    /// - Parameters:
    ///   - seed: the initial state.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 24 bits of precision (the sampler's draw).
    public mutating func nextUnitFloat() -> Float { Float(next() >> 40) / Float(1 << 24) }

    /// Uniform in (0, 1).
    public mutating func nextUniform() -> Double { (Double(next() >> 11) + 0.5) / Double(1 << 53) }

    /// Standard normal by Box-Muller.
    public mutating func nextGaussian() -> Double {
        let u1 = nextUniform()
        let u2 = nextUniform()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}
