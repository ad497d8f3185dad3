// Held-out evaluation: mean next-token loss and perplexity on a JSONL file of documents, split into maths and
// general text. A document is maths when its `domain` or `kind` field contains "math" (e.g. "textbook-math",
// "forum-math"); without either field, when its `source` or `id` contains "math" or "gsm8k"; otherwise general.
// Each document becomes [EOS] + tokens, cut into non-overlapping windows of T + 1 tokens (the last one padded and
// its padding masked), so no document sees another.
import Foundation
import JSON
import ModelConversion
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

    /// The tokens a document keeps by default: what `train --eval-file` uses for context `T`.
    public static func defaultMaxTokens(contextTokens T: Int) -> Int { 4 * T }

    /// Reads up to `maxDocuments` documents per domain from `path`, each truncated to `maxTokens` tokens.
    ///
    /// - Throws: `PipelineError` `.unreadableInput` naming the file (and line) that cannot be read or parsed.
    public init(path: String, tokenizer: TrainTokenizer, maxDocuments: Int, maxTokens: Int) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PipelineError(.unreadableInput, "\(path): cannot read the evaluation file; check the path")
        }
        // Empty lines are skipped but still counted, so an error names the line an editor shows.
        for (index, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            guard maths.count < maxDocuments || general.count < maxDocuments else { break }
            guard !line.isEmpty else { continue }
            let record: JSONValue
            do {
                record = try JSONParser.parse(Array(line))
            } catch {
                throw PipelineError(
                    .unreadableInput, "\(path):\(index + 1): not a JSON object; each line must be {\"text\": ...}",
                    cause: error)
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

    /// Rows of `T + 1` tokens that ``evaluate(model:step:B:T:eosTokenID:onProgress:)`` forwards: one per started
    /// `T` tokens of each document.
    public func rowCount(T: Int) -> Int { Self.rowCount(maths, T: T) + Self.rowCount(general, T: T) }

    static func rowCount(_ documents: [[Int]], T: Int) -> Int { documents.reduce(0) { $0 + ($1.count + T - 1) / T } }

    /// Evaluates `model` without touching its gradients' meaning (the next `trainStep` zeroes them).
    ///
    /// - Parameter onProgress: called after each micro-batch with the rows and scored tokens done so far (maths
    ///   first, then general); it does not change the result.
    public func evaluate(
        model: LlamaModel, step: Int, B: Int, T: Int, eosTokenID: Int,
        onProgress: (_ rowsDone: Int, _ tokensDone: Int) -> Void = { _, _ in }
    ) -> TrainEvaluationResult {
        let mathsResult = Self.evaluate(maths, model: model, B: B, T: T, eos: eosTokenID, onBatch: onProgress)
        let mathsRows = Self.rowCount(maths, T: T)
        let mathsTokens = mathsResult?.tokens ?? 0
        let generalResult = Self.evaluate(general, model: model, B: B, T: T, eos: eosTokenID) { rows, tokens in
            onProgress(mathsRows + rows, mathsTokens + tokens)
        }
        return TrainEvaluationResult(step: step, maths: mathsResult, general: generalResult)
    }

    static func evaluate(
        _ documents: [[Int]], model: LlamaModel, B: Int, T: Int, eos: Int, onBatch: (_ rows: Int, _ tokens: Int) -> Void
    ) -> TrainEvaluationResult.Domain? {
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
            onBatch(min(rows.count, first + B), tokens)
        }
        return .init(documents: documents.count, tokens: tokens, loss: tokens > 0 ? lossSum / Double(tokens) : 0)
    }
}
