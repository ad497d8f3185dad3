/// How to pick each generated token. The filters run in llama.cpp's default order: top-k, top-p, min-p, then
/// temperature, then a draw from the remaining candidates.
public struct SamplingParameters: Sendable, Hashable, Codable {
    /// Softmax temperature; 0 picks the most likely token (greedy, ties to the lower id).
    public var temperature: Float
    /// Keep only the `topK` most likely tokens; 0 keeps all.
    public var topK: Int
    /// Keep the smallest set of most likely tokens whose probability sums to at least `topP`; 1 keeps all.
    public var topP: Float
    /// Drop tokens less likely than `minP` times the most likely one; 0 keeps all.
    public var minP: Float
    /// Seed of the draw's random number generator.
    public var seed: UInt64

    /// Creates sampling parameters; the defaults are greedy decoding.
    public init(temperature: Float = 0, topK: Int = 0, topP: Float = 1, minP: Float = 0, seed: UInt64 = 0) {
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.minP = minP
        self.seed = seed
    }

    /// Greedy decoding.
    public static let greedy = SamplingParameters()

    /// Throws unless every field is in range.
    ///
    /// - Throws: `InferenceError.invalidRequest` naming the field and its range.
    public func validate() throws {
        guard temperature >= 0, temperature.isFinite else {
            throw InferenceError(.invalidRequest, "sampling.temperature \(temperature) must be finite and >= 0")
        }
        guard topK >= 0 else { throw InferenceError(.invalidRequest, "sampling.topK \(topK) must be >= 0") }
        guard topP > 0, topP <= 1 else { throw InferenceError(.invalidRequest, "sampling.topP \(topP) must be in (0, 1]") }
        guard minP >= 0, minP <= 1 else { throw InferenceError(.invalidRequest, "sampling.minP \(minP) must be in [0, 1]") }
    }
}
