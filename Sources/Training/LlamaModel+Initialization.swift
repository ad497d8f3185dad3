// Seeded initialization: normal(0, 0.02) for matrices (GPT-2 / llm.c), residual projections scaled by
// 1/sqrt(2L), norm weights 1.
// Legend: L = nLayers.
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Randomness
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
