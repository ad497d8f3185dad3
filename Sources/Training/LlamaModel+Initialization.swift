// Seeded initialization: normal(0, 0.02) for matrices (GPT-2 / llm.c), residual projections scaled by
// 1/sqrt(2L), norm weights 1.
// Legend: L = nLayers.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Tensors

extension LlamaModel {
    /// Fills the parameters with seeded random values: every 2-D weight ~ N(0, 0.02^2), `attn_output` and
    /// `ffn_down` ~ N(0, (0.02/sqrt(2L))^2), every norm weight 1. The same seed gives the same weights.
    ///
    /// - Parameters:
    ///   - seed: the random seed.
    public func initialize(seed: UInt64) {
        var generator = SplitMix64(seed: seed)
        let residualScale = 1 / (2 * Double(config.nLayers)).squareRoot()
        for tensor in layout.tensors {
            let base = parameters.pointer + tensor.offset
            if !tensor.isDecayed {
                base.update(repeating: 1, count: tensor.count)
                continue
            }
            let isResidual = tensor.name.hasSuffix("attn_output.weight") || tensor.name.hasSuffix("ffn_down.weight")
            let std = 0.02 * (isResidual ? residualScale : 1)
            for i in 0..<tensor.count { base[i] = Float(std * generator.nextGaussian()) }
        }
    }
}

/// SplitMix64 (Steele, Lea & Flood 2014): a small, fast, seedable generator.
struct SplitMix64 {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in (0, 1).
    mutating func nextUniform() -> Double { (Double(next() >> 11) + 0.5) / Double(1 << 53) }

    /// Standard normal by Box-Muller.
    mutating func nextGaussian() -> Double {
        let u1 = nextUniform()
        let u2 = nextUniform()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}
