extension TPTAugmenterConfiguration {
    /// Caps every level's thinking budget at `maxThinkingTokens` (CPU-friendly runs: `--max-thinking-tokens`), in
    /// both up-sampling modes, and lowers the gates' minimum thinking length to a quarter of the cap when the cap is
    /// too small for it, so a short budget does not reject every trajectory as too short.
    ///
    /// - Parameter maxThinkingTokens: the cap, at least 1 (validate the configuration afterwards).
    public mutating func capThinking(at maxThinkingTokens: Int) {
        upsampling.naturalPlan.maxThinkingTokens = min(upsampling.naturalPlan.maxThinkingTokens, maxThinkingTokens)
        for (level, plan) in upsampling.tiers {
            upsampling.tiers[level]?.maxThinkingTokens = min(plan.maxThinkingTokens, maxThinkingTokens)
        }
        gate.minThinkingTokens = min(gate.minThinkingTokens, max(1, maxThinkingTokens / 4))
    }

    /// Throws unless the up-sampling policy and the gates are valid.
    ///
    /// - Throws: `AugmentationError` `.invalidPolicy` naming the key and value.
    public func validate() throws {
        try upsampling.validate()
        try gate.validate()
    }
}
