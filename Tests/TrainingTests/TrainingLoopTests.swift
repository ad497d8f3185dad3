// Optimizer step, schedule, clipping, accumulation and an overfitting run on the tiny config.
import Tensors
import Testing
import Training

@Suite struct TrainingLoopTests {
    func fixedBatch(B: Int, T: Int, seed: UInt64) -> TokenBatch {
        var random = TestRandom(seed: seed)
        let rows = (0..<B).map { _ in (0...T).map { _ in Int(random.next() % 256) } }
        return TokenBatch(rows: rows)
    }

    @Test func lossFallsWhenOverfittingOneBatch() {
        let model = LlamaModel(config: .tiny, seed: 42)
        let optimizer = AdamW(layout: model.layout, configuration: AdamWConfiguration(weightDecay: 0.0))
        let schedule = LearningRateSchedule(
            maxLearningRate: 3e-3, minLearningRate: 3e-4, warmupSteps: 10, totalSteps: 100)
        let batch = fixedBatch(B: 2, T: 16, seed: 3)
        var losses: [Float] = []
        for step in 0..<100 {
            let result = model.trainStep(
                microBatches: [batch], optimizer: optimizer, learningRate: schedule.learningRate(atStep: step),
                maxGradientNorm: 1)
            losses.append(result.loss)
        }
        let finalLoss = model.forward(batch)
        print("overfit: loss step 0 \(losses[0]), step 50 \(losses[50]), step 99 \(losses[99]), after \(finalLoss)")
        #expect(abs(losses[0] - 5.545) < 0.05)  // ~ln(256) at init
        #expect(losses[50] < 1.0)
        #expect(finalLoss < 0.1)
    }

    @Test func gradientAccumulationMatchesOneLargeBatch() {
        let rows = (0..<2).map { r in (0...8).map { (r * 37 + $0 * 11) % 256 } }
        let whole = TokenBatch(rows: rows)
        let halves = rows.map { TokenBatch(rows: [$0]) }
        let model = LlamaModel(config: .tiny, seed: 5)
        model.zeroGradients()
        let wholeLoss = model.forward(whole)
        model.backward()
        let expected = model.gradients.array
        model.zeroGradients()
        var accumulatedLoss: Float = 0
        for half in halves {
            accumulatedLoss += model.forward(half) / 2
            model.backward(lossScale: 0.5)
        }
        let maxDiff = zip(model.gradients.array, expected).map { abs($0 - $1) }.max() ?? 0
        print("accumulation: loss \(accumulatedLoss) vs \(wholeLoss), max gradient diff \(maxDiff)")
        #expect(abs(accumulatedLoss - wholeLoss) < 1e-5)
        #expect(maxDiff < 1e-6)
    }

    @Test func scheduleWarmsUpThenFollowsCosine() {
        let schedule = LearningRateSchedule(
            maxLearningRate: 1e-3, minLearningRate: 1e-4, warmupSteps: 10, totalSteps: 110)
        #expect(abs(schedule.learningRate(atStep: 0) - 1e-4) < 1e-9)
        #expect(abs(schedule.learningRate(atStep: 9) - 1e-3) < 1e-9)
        #expect(abs(schedule.learningRate(atStep: 10) - 1e-3) < 1e-9)
        #expect(abs(schedule.learningRate(atStep: 60) - 5.5e-4) < 1e-8)  // halfway: (max + min) / 2
        #expect(abs(schedule.learningRate(atStep: 110) - 1e-4) < 1e-9)
        #expect(abs(schedule.learningRate(atStep: 500) - 1e-4) < 1e-9)
    }

    @Test func clippingScalesToMaxNorm() {
        let gradients = FloatBuffer([3, 4, 0, 0])  // norm 5
        let before = GradientClipping.clip(gradients, maxNorm: 1)
        #expect(before == 5)
        #expect(abs(GradientClipping.globalNorm(gradients) - 1) < 1e-6)
        let small = FloatBuffer([0.3, 0.4])
        GradientClipping.clip(small, maxNorm: 1)
        #expect(small.array == [0.3, 0.4])
    }

    @Test func adamWDecaysOnlyMatrices() throws {
        let layout = ParameterLayout(config: .tiny)
        let optimizer = AdamW(layout: layout, configuration: AdamWConfiguration(weightDecay: 0.5))
        let parameters = FloatBuffer([Float](repeating: 1, count: layout.count))
        let gradients = FloatBuffer(count: layout.count)  // zero gradient: only decay moves weights
        optimizer.update(parameters: parameters, gradients: gradients, learningRate: 0.1)
        let norm = try #require(layout.tensor(named: "blk.0.attn_norm.weight"))
        let q = try #require(layout.tensor(named: "blk.0.attn_q.weight"))
        #expect(parameters[norm.offset] == 1)
        #expect(abs(parameters[q.offset] - 0.95) < 1e-7)
        #expect(optimizer.step == 1)
    }

    @Test func seededInitializationIsDeterministic() {
        let a = LlamaModel(config: .tiny, seed: 9)
        let b = LlamaModel(config: .tiny, seed: 9)
        let c = LlamaModel(config: .tiny, seed: 10)
        #expect(a.parameters.array == b.parameters.array)
        #expect(a.parameters.array != c.parameters.array)
        #expect(a.layout.count == 256 * 64 + 2 * (64 + 64 * 64 + 2 * 32 * 64 + 64 * 64 + 64 + 3 * 128 * 64) + 64)
        let embedding = a.parameters.array[0..<(256 * 64)]
        let std = (embedding.map { Double($0 * $0) }.reduce(0, +) / Double(embedding.count)).squareRoot()
        #expect(abs(std - 0.02) < 0.001)
    }
}
