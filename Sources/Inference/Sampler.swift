import Foundation
import Generation
import Randomness

/// Picks tokens from logits with ``SamplingParameters`` and a seeded generator whose state can be saved.
public struct Sampler: Sendable, Hashable, Codable {
    /// The filters and temperature.
    public var parameters: SamplingParameters
    /// The draw's generator; save it to resume a sequence deterministically.
    public var random: SplitMix64

    /// Creates a sampler whose generator starts at `parameters.seed`.
    public init(parameters: SamplingParameters) {
        self.parameters = parameters
        random = SplitMix64(seed: parameters.seed)
    }

    /// Picks the next token from one row of logits, after the penalties on `history` (the tokens this sequence
    /// generated so far, oldest first) when ``SamplingParameters/penalizesRepetition``.
    public mutating func sample(_ logits: UnsafeBufferPointer<Float>, history: [Int]) -> Int {
        guard parameters.penalizesRepetition, !history.isEmpty else { return sample(logits) }
        var penalized = Array(logits)
        applyPenalties(to: &penalized, history: history)
        return penalized.withUnsafeBufferPointer { sample($0) }
    }

    /// Applies the repetition, presence and frequency penalties over the window, then n-gram blocking (a blocked
    /// token's logit becomes -infinity), to `logits` in place.
    public func applyPenalties(to logits: inout [Float], history: [Int]) {
        let p = parameters
        if p.repetitionPenalty != 1 || p.presencePenalty != 0 || p.frequencyPenalty != 0 {
            var counts: [Int: Int] = [:]
            for token in history.suffix(p.penaltyWindowTokens) where token >= 0 && token < logits.count {
                counts[token, default: 0] += 1
            }
            for (token, count) in counts {
                var logit = logits[token]
                if p.repetitionPenalty != 1 {
                    logit = logit > 0 ? logit / p.repetitionPenalty : logit * p.repetitionPenalty
                }
                logit -= p.presencePenalty + p.frequencyPenalty * Float(count)
                logits[token] = logit
            }
        }
        for token in Self.blockedTokens(history: history, nGram: p.noRepeatNGramTokens) where token < logits.count {
            logits[token] = -.infinity
        }
    }

    /// The tokens that would complete an `nGram`-token n-gram that already occurs in `history`: for every earlier
    /// occurrence of the last `nGram − 1` tokens, the token that followed it. Empty when `nGram` < 2.
    public static func blockedTokens(history: [Int], nGram: Int) -> Set<Int> {
        guard nGram >= 2, history.count >= nGram else { return [] }
        let prefixLength = nGram - 1
        let tail = history[(history.count - prefixLength)...]
        var blocked: Set<Int> = []
        for start in 0...(history.count - nGram) where history[start..<(start + prefixLength)].elementsEqual(tail) {
            blocked.insert(history[start + prefixLength])
        }
        return blocked
    }

    /// Picks the next token from one row of logits (no penalties).
    public mutating func sample(_ logits: UnsafeBufferPointer<Float>) -> Int {
        if parameters.temperature == 0 || parameters.topK == 1 { return Self.argmax(logits) }
        let kept = candidates(logits)
        let u = random.nextUnitFloat()
        var cumulative: Float = 0
        for candidate in kept {
            cumulative += candidate.probability
            if u < cumulative { return candidate.id }
        }
        return kept.last!.id
    }

    /// The tokens left after top-k, top-p and min-p, most likely first, with their probabilities after the
    /// temperature (summing to 1). Tokens more than 40 nats below the best are dropped first (relative probability
    /// under 5e-18, which cannot change any filter's outcome measurably).
    ///
    /// Only the head of the distribution is sorted: candidates within a few nats of the best are gathered, and the
    /// window widens until it holds the top-k tokens or the top-p mass, so a 50k vocabulary costs two passes and
    /// a sort of a few hundred tokens instead of a sort of thousands.
    public func candidates(_ logits: UnsafeBufferPointer<Float>) -> [(id: Int, probability: Float)] {
        let best = logits.max() ?? 0
        guard best.isFinite else { return [(Self.argmax(logits), 1)] }
        let floor = best - 40
        var mass: Double = 0  // sum of exp(logit - best) over every token within 40 nats
        for logit in logits where logit >= floor { mass += Double(expf(logit - best)) }
        var kept: [(id: Int, logit: Float)] = []
        var width: Float = parameters.topP < 1 || parameters.topK > 0 ? 4 : 40
        while true {
            let threshold = max(floor, best - width)
            kept.removeAll(keepingCapacity: true)
            var windowMass: Double = 0
            for (id, logit) in logits.enumerated() where logit >= threshold {
                kept.append((id, logit))
                windowMass += Double(expf(logit - best))
            }
            if threshold == floor { break }
            if parameters.topK > 0, kept.count >= parameters.topK { break }
            if parameters.topK == 0, parameters.topP < 1, windowMass >= Double(parameters.topP) * mass { break }
            width *= 2
        }
        kept.sort { $0.logit > $1.logit || ($0.logit == $1.logit && $0.id < $1.id) }
        if parameters.topK > 0, kept.count > parameters.topK {
            kept.removeLast(kept.count - parameters.topK)
            mass = kept.reduce(0) { $0 + Double(expf($1.logit - best)) }
        }
        if parameters.topP < 1 {
            var cumulative: Double = 0
            var keep = kept.count
            for (i, candidate) in kept.enumerated() {
                cumulative += Double(expf(candidate.logit - best)) / mass
                if cumulative >= Double(parameters.topP) {
                    keep = i + 1
                    break
                }
            }
            kept.removeLast(kept.count - keep)
        }
        if parameters.minP > 0 {
            let threshold = kept[0].logit + logf(parameters.minP)
            kept = kept.filter { $0.logit >= threshold }
        }
        let temperature = parameters.temperature > 0 ? parameters.temperature : 1
        let probabilities = Self.softmax(kept.map(\.logit), temperature: temperature)
        return zip(kept, probabilities).map { ($0.id, $1) }
    }

    /// The index of the largest logit; ties go to the lower id.
    public static func argmax(_ logits: UnsafeBufferPointer<Float>) -> Int {
        var best = 0
        for i in 1..<logits.count where logits[i] > logits[best] { best = i }
        return best
    }

    /// `log softmax(logits)[id]`, with the log-sum-exp in double.
    public static func logProbability(of id: Int, in logits: UnsafeBufferPointer<Float>) -> Float {
        Float(Double(logits[id]) - logSumExp(logits))
    }

    /// `log(sum(exp(logits)))` in double with the max subtracted.
    public static func logSumExp(_ logits: UnsafeBufferPointer<Float>) -> Double {
        let best = logits.max() ?? 0
        var sum: Double = 0
        for logit in logits { sum += Double(expf(logit - best)) }
        return Double(best) + log(sum)
    }

    static func softmax(_ logits: [Float], temperature: Float) -> [Float] {
        guard let best = logits.first.map({ _ in logits.max()! }) else { return [] }
        let exps = logits.map { expf(($0 - best) / temperature) }
        let sum = exps.reduce(0, +)
        return exps.map { $0 / sum }
    }
}
