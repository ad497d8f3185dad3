import Foundation
import Generation
import Inference

/// The engine's speed on this machine, as ``EngineSpeedProbe`` measured it.
struct EngineSpeed: Codable {
    var prefillTokensPerSecond: Double
    /// Decode throughput with ``sequences`` sequences in the batch.
    var decodeTokensPerSecond: Double
    var sequences: Int
}

/// A short measurement of the loaded engine: one 256-token prefill, then 16 sequences decoding 32 tokens each from
/// 8-token prompts (their prefill is negligible), as augment's continuous batch does.
enum EngineSpeedProbe {
    static func measure(_ engine: InferenceEngine, sequences: Int = 16) async throws -> EngineSpeed {
        let promptTokens = (0..<256).map { 100 + $0 % 200 }
        var clock = ContinuousClock.now
        _ = try await engine.generateAll([
            GenerationRequest(
                id: "probe-prefill", prompt: .tokens(promptTokens), maxNewTokens: 1, stopAtEndOfGeneration: false)
        ])
        let prefill = Double(promptTokens.count) / max((ContinuousClock.now - clock).seconds, 1e-9)
        let decodeTokens = 32
        let requests = (0..<sequences).map { index in
            GenerationRequest(
                id: "probe-decode-\(index)", prompt: .tokens((0..<8).map { 300 + index * 8 + $0 }),
                maxNewTokens: decodeTokens, stopAtEndOfGeneration: false)
        }
        clock = ContinuousClock.now
        _ = try await engine.generateAll(requests)
        let decode = Double(sequences * decodeTokens) / max((ContinuousClock.now - clock).seconds, 1e-9)
        return EngineSpeed(prefillTokensPerSecond: prefill, decodeTokensPerSecond: decode, sequences: sequences)
    }
}
