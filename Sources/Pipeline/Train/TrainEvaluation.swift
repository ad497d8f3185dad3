// Held-out evaluation: mean next-token loss and perplexity on a JSONL file of documents, split into maths and
// general text. A document is maths when its `domain` or `kind` field contains "math" (e.g. "textbook-math",
// "forum-math"); without either field, when its `source` or `id` contains "math" or "gsm8k"; otherwise general.
// Each document becomes [EOS] + tokens, cut into non-overlapping windows of T + 1 tokens (the last one padded and
// its padding masked), so no document sees another.
import Foundation
import Training

/// Loss and perplexity per domain.
public struct TrainEvaluationResult: Sendable, Equatable {
    public struct Domain: Sendable, Equatable {
        public var documents: Int
        public var tokens: Int
        public var loss: Double
        public var perplexity: Double { exp(loss) }
    }
    /// The step evaluated after.
    public var step: Int
    public var maths: Domain?
    public var general: Domain?
}

/// A held-out document set, tokenized once.
public struct TrainEvaluationSet: Sendable {
    public var maths: [[Int]] = []
    public var general: [[Int]] = []

    /// Whether a JSONL record counts as maths (see the file comment for the rule).
    public static func isMaths(_ record: JSONValue) -> Bool {
        if let domain = record["domain"]?.stringValue ?? record["kind"]?.stringValue {
            return domain.lowercased().contains("math")
        }
        let hint = ((record["source"]?.stringValue ?? "") + " " + (record["id"]?.stringValue ?? "")).lowercased()
        return hint.contains("math") || hint.contains("gsm8k")
    }

    /// Reads up to `maxDocuments` documents per domain from `path`, each truncated to `maxTokens` tokens.
    ///
    /// - Throws: `PipelineError` `.unreadableInput` naming the file (and line) that cannot be read or parsed.
    public init(path: String, tokenizer: TrainTokenizer, maxDocuments: Int, maxTokens: Int) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PipelineError(.unreadableInput, "\(path): cannot read the evaluation file; check the path")
        }
        for (index, line) in data.split(separator: UInt8(ascii: "\n")).enumerated() {
            guard maths.count < maxDocuments || general.count < maxDocuments else { break }
            let record: JSONValue
            do {
                record = try JSONParser.parse(Array(line))
            } catch {
                throw PipelineError(.unreadableInput, "\(path):\(index + 1): not a JSON object; each line must be {\"text\": ...}", cause: error)
            }
            guard let text = record["text"]?.stringValue, !text.isEmpty else { continue }
            let tokens = Array(tokenizer.encode(text).prefix(maxTokens))
            if Self.isMaths(record) {
                if maths.count < maxDocuments { maths.append(tokens) }
            } else if general.count < maxDocuments {
                general.append(tokens)
            }
        }
    }

    /// Evaluates `model` without touching its gradients' meaning (the next `trainStep` zeroes them).
    public func evaluate(model: LlamaModel, step: Int, B: Int, T: Int, eosTokenID: Int) -> TrainEvaluationResult {
        TrainEvaluationResult(
            step: step, maths: Self.evaluate(maths, model: model, B: B, T: T, eos: eosTokenID),
            general: Self.evaluate(general, model: model, B: B, T: T, eos: eosTokenID))
    }

    static func evaluate(_ documents: [[Int]], model: LlamaModel, B: Int, T: Int, eos: Int) -> TrainEvaluationResult.Domain? {
        guard !documents.isEmpty else { return nil }
        var rows: [[Int]] = []
        var masks: [[Float]] = []
        for document in documents {
            let stream = [eos] + document
            var start = 0
            while start + 1 < stream.count {
                let window = Array(stream[start..<min(stream.count, start + T + 1)])
                let real = window.count - 1
                rows.append(window + [Int](repeating: eos, count: T + 1 - window.count))
                masks.append([Float](repeating: 1, count: real) + [Float](repeating: 0, count: T - real))
                start += T
            }
        }
        var lossSum = 0.0
        var tokens = 0
        for first in stride(from: 0, to: rows.count, by: B) {
            var batchRows = Array(rows[first..<min(rows.count, first + B)])
            var weights = Array(masks[first..<min(rows.count, first + B)]).flatMap { $0 }
            while batchRows.count < B {
                batchRows.append([Int](repeating: eos, count: T + 1))
                weights += [Float](repeating: 0, count: T)
            }
            let plain = TokenBatch(rows: batchRows)
            let batch = TokenBatch(B: B, T: T, inputs: plain.inputs, targets: plain.targets, targetWeights: weights)
            model.forward(batch)
            for (loss, weight) in zip(model.lastPositionLosses, weights) where weight > 0 {
                lossSum += Double(loss)
                tokens += 1
            }
        }
        return .init(documents: documents.count, tokens: tokens, loss: tokens > 0 ? lossSum / Double(tokens) : 0)
    }
}
