/// How to pick each generated token. Penalties on the sequence's own output come first (repetition, presence and
/// frequency over the last ``penaltyWindowTokens`` generated tokens, then n-gram blocking), then the filters in
/// llama.cpp's default order: top-k, top-p, min-p, then temperature, then a draw from the remaining candidates.
///
/// The penalties are off by default (the paper's sampling: temperature 0.6, top-p 0.9 and nothing else); they exist
/// because small generators loop, and a loop wastes the whole thinking budget.
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
    /// llama.cpp's repetition penalty on tokens in the window: a positive logit is divided by it, a negative one
    /// multiplied; 1 is off.
    public var repetitionPenalty: Float
    /// OpenAI's presence penalty: subtracted once from the logit of every token that occurs in the window; 0 is off.
    public var presencePenalty: Float
    /// OpenAI's frequency penalty: subtracted from a token's logit once per occurrence in the window; 0 is off.
    public var frequencyPenalty: Float
    /// How many of the latest generated tokens the three penalties above look at.
    public var penaltyWindowTokens: Int
    /// n-gram blocking: a token that would complete an n-gram of this many tokens already generated is never
    /// picked (the whole output is searched); 0 is off. Values of 2 or more make sense.
    public var noRepeatNGramTokens: Int

    /// Creates sampling parameters; the defaults are greedy decoding without penalties.
    public init(
        temperature: Float = 0, topK: Int = 0, topP: Float = 1, minP: Float = 0, seed: UInt64 = 0,
        repetitionPenalty: Float = 1, presencePenalty: Float = 0, frequencyPenalty: Float = 0,
        penaltyWindowTokens: Int = 256, noRepeatNGramTokens: Int = 0
    ) {
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.minP = minP
        self.seed = seed
        self.repetitionPenalty = repetitionPenalty
        self.presencePenalty = presencePenalty
        self.frequencyPenalty = frequencyPenalty
        self.penaltyWindowTokens = penaltyWindowTokens
        self.noRepeatNGramTokens = noRepeatNGramTokens
    }

    /// Whether any penalty or blocking looks at the sequence's output.
    public var penalizesRepetition: Bool {
        repetitionPenalty != 1 || presencePenalty != 0 || frequencyPenalty != 0 || noRepeatNGramTokens > 0
    }

    private enum CodingKeys: String, CodingKey {
        case temperature, topK, topP, minP, seed, repetitionPenalty, presencePenalty, frequencyPenalty
        case penaltyWindowTokens, noRepeatNGramTokens
    }

    /// Decodes parameters; the penalty fields may be absent (values written before they existed).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            temperature: try container.decode(Float.self, forKey: .temperature),
            topK: try container.decode(Int.self, forKey: .topK), topP: try container.decode(Float.self, forKey: .topP),
            minP: try container.decode(Float.self, forKey: .minP),
            seed: try container.decode(UInt64.self, forKey: .seed),
            repetitionPenalty: try container.decodeIfPresent(Float.self, forKey: .repetitionPenalty) ?? 1,
            presencePenalty: try container.decodeIfPresent(Float.self, forKey: .presencePenalty) ?? 0,
            frequencyPenalty: try container.decodeIfPresent(Float.self, forKey: .frequencyPenalty) ?? 0,
            penaltyWindowTokens: try container.decodeIfPresent(Int.self, forKey: .penaltyWindowTokens) ?? 256,
            noRepeatNGramTokens: try container.decodeIfPresent(Int.self, forKey: .noRepeatNGramTokens) ?? 0)
    }

    /// Greedy decoding.
    public static let greedy = SamplingParameters()

    /// Throws unless every field is in range.
    ///
    /// - Throws: `GenerationError` naming the field and its range.
    public func validate() throws {
        func refuse(_ name: String, _ value: some CustomStringConvertible, _ requirement: String) -> GenerationError {
            GenerationError(field: "sampling.\(name)", "sampling.\(name) \(value) \(requirement)")
        }
        guard temperature >= 0, temperature.isFinite else {
            throw refuse("temperature", temperature, "must be finite and >= 0")
        }
        guard topK >= 0 else { throw refuse("topK", topK, "must be >= 0") }
        guard topP > 0, topP <= 1 else { throw refuse("topP", topP, "must be in (0, 1]") }
        guard minP >= 0, minP <= 1 else { throw refuse("minP", minP, "must be in [0, 1]") }
        guard repetitionPenalty > 0, repetitionPenalty.isFinite else {
            throw refuse("repetitionPenalty", repetitionPenalty, "must be finite and > 0 (1 is off)")
        }
        guard presencePenalty.isFinite, abs(presencePenalty) <= 2 else {
            throw refuse("presencePenalty", presencePenalty, "must be in [-2, 2]")
        }
        guard frequencyPenalty.isFinite, abs(frequencyPenalty) <= 2 else {
            throw refuse("frequencyPenalty", frequencyPenalty, "must be in [-2, 2]")
        }
        guard penaltyWindowTokens >= 1 else { throw refuse("penaltyWindowTokens", penaltyWindowTokens, "must be >= 1") }
        guard noRepeatNGramTokens == 0 || noRepeatNGramTokens >= 2 else {
            throw refuse("noRepeatNGramTokens", noRepeatNGramTokens, "must be 0 (off) or >= 2")
        }
    }
}
