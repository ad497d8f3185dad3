// Manual throughput measurement, off by default: THINKSTREAM_MEASURE_THROUGHPUT=1 swift test -c release
// --filter ThroughputMeasurement. Prints training tokens/s; asserts only that the loss is finite, never on time.
import Foundation
import Tensors
import Testing
import Training

@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["THINKSTREAM_MEASURE_THROUGHPUT"] != nil))
struct ThroughputMeasurement {
    func measure(_ name: String, config: LlamaConfig, B: Int, T: Int, steps: Int) {
        BLAS.setThreadCount(2)
        let model = LlamaModel(config: config, seed: 1)
        let optimizer = AdamW(layout: model.layout)
        var random = TestRandom(seed: 2)
        let rows = (0..<B).map { _ in (0...T).map { _ in Int(random.next() % UInt64(config.vocab)) } }
        let batch = TokenBatch(rows: rows)
        model.trainStep(microBatches: [batch], optimizer: optimizer, learningRate: 1e-4)  // warm-up, allocations
        let clock = ContinuousClock()
        var loss: Float = 0
        let elapsed = clock.measure {
            for _ in 0..<steps {
                loss = model.trainStep(microBatches: [batch], optimizer: optimizer, learningRate: 1e-4).loss
            }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let tokensPerSecond = Double(steps * B * T) / seconds
        print(
            "\(name): \(model.layout.count) params, B=\(B) T=\(T), \(steps) steps in \(seconds) s, "
                + "\(tokensPerSecond) tokens/s, \(seconds / Double(steps)) s/step, loss \(loss), "
                + "BLAS threads \(BLAS.threadCount)")
        let forward = clock.measure { loss = model.forward(batch) }
        let backward = clock.measure { model.backward() }
        let update = clock.measure {
            GradientClipping.clip(model.gradients, maxNorm: 1)
            optimizer.update(parameters: model.parameters, gradients: model.gradients, learningRate: 1e-4)
        }
        print("\(name): split forward \(forward), backward \(backward), clip + AdamW \(update)")
        #expect(loss.isFinite)
    }

    @Test func tinyConfig() {
        measure("tiny", config: .tiny, B: 2, T: 16, steps: 200)
        measure("tiny", config: .tiny, B: 8, T: 64, steps: 50)
    }

    @Test func smolLM2Shape() {
        measure("smolLM2_135M", config: .smolLM2_135M, B: 1, T: 256, steps: 2)
    }
}
