import Executors
import Foundation
import GGUF
import Inference
import Testing

/// The qwen3 forward (no qwen3 weights exist here) against an independent numpy forward of a tiny random model.
@Suite
struct Qwen3ReferenceTests {
    /// F32 weights and activations; the engine sums in float32, the reference in float64.
    static let tolerance: Float = 2e-4

    @Test
    func logitsAtEveryPositionMatchNumpyReference() throws {
        let reference = try TinyModelFiles.qwen3Reference()
        let path = try TinyModelFiles.writeQwen3()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let model = try TransformerModel(file: GGUFFile(path: path), pool: WorkerPool(threadCount: 2))
        #expect(model.hyperparameters.architecture == .qwen3)
        let tokens = reference["tokens"] as! [Int]
        let expected = (reference["logits"] as! [[NSNumber]]).map { $0.map(\.floatValue) }
        var worst: Float = 0
        var rows = 0
        try model.evaluate(tokens, cache: model.makeCache(capacity: tokens.count), outputs: Array(0..<tokens.count)) {
            offset, logits in
            rows += 1
            for (a, e) in zip(logits, expected[offset]) { worst = max(worst, abs(a - e)) }
        }
        print("qwen3 tiny model: max |logit - numpy| = \(worst)")
        #expect(rows == tokens.count)
        #expect(worst < Self.tolerance)
    }

    @Test
    /// One token at a time takes the one-row attention kernel (F16 Q and accumulator, as llama.cpp's decode);
    /// a 40-token prefill the F32 one, so the two agree closely but not bit for bit.
    func oneTokenAtATimeAgreesWithBatchedPrefill() throws {
        let reference = try TinyModelFiles.qwen3Reference()
        let path = try TinyModelFiles.writeQwen3()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let model = try TransformerModel(file: GGUFFile(path: path), pool: WorkerPool(threadCount: 2))
        let tokens = reference["tokens"] as! [Int]
        var batched: [Float] = []
        try model.evaluate(tokens, cache: model.makeCache(capacity: tokens.count), outputs: [tokens.count - 1]) {
            batched = Array($1)
        }
        let cache = model.makeCache(capacity: tokens.count)
        var incremental: [Float] = []
        for token in tokens {
            try model.evaluate([token], cache: cache, outputs: [0]) { incremental = Array($1) }
        }
        let worst = zip(batched, incremental).map { abs($0 - $1) }.max() ?? .infinity
        print("qwen3 tiny model: max |prefill - incremental| = \(worst)")
        #expect(batched.count == incremental.count)
        #expect(worst < 1e-2)
    }
}
