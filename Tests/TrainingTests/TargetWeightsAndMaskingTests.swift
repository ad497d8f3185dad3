// Per-target loss weights and document-boundary attention masking (TokenBatch.targetWeights / segmentStarts).
import Randomness
import Tensors
import Testing
import Training

@Suite struct TargetWeightsAndMaskingTests {
    /// With RoPE, attention scores depend only on relative positions, so a document packed after another with its
    /// attention masked to itself must score exactly like the same document alone (up to fp32 rounding).
    @Test func maskedSecondDocumentScoresLikeTheDocumentAlone() {
        let model = LlamaModel(config: .tiny, seed: 11)
        let first = [0, 72, 101, 108, 108, 111, 32, 119]  // EOS + "Hello w"
        let second = [0, 84, 104, 101, 114, 101, 33, 33, 63]  // EOS + "There!!?"
        let packed = first + second  // 17 tokens: T = 16
        let plain = TokenBatch(rows: [packed])
        let starts = (0..<16).map { Int32($0 < first.count ? 0 : first.count) }
        let masked = TokenBatch(B: 1, T: 16, inputs: plain.inputs, targets: plain.targets, segmentStarts: starts)
        model.forward(masked)
        let packedLosses = Array(model.lastPositionLosses[first.count...])  // targets of `second` after its EOS
        model.forward(TokenBatch(rows: [second]))
        let aloneLosses = model.lastPositionLosses
        #expect(packedLosses.count == aloneLosses.count)
        for (a, b) in zip(packedLosses, aloneLosses) { #expect(abs(a - b) < 1e-4, "\(a) vs \(b)") }
        // Without the mask, the second document sees the first, and its losses differ.
        model.forward(plain)
        let unmasked = Array(model.lastPositionLosses[first.count...])
        #expect(zip(unmasked, aloneLosses).contains { abs($0 - $1) > 1e-3 })
    }

    /// A zero-weight target changes neither the loss nor any gradient; weights renormalise the mean.
    @Test func zeroWeightTargetsDoNotContributeAndAllOnesMatchThePlainMean() {
        let model = LlamaModel(config: .tiny, seed: 5)
        let rows = [[0, 10, 20, 30, 40, 50, 60, 70, 80], [0, 15, 25, 35, 45, 55, 65, 75, 85]]
        let plain = TokenBatch(rows: rows)
        var weights = [Float](repeating: 1, count: 16)
        for index in [3, 7, 12] { weights[index] = 0 }
        func gradient(_ batch: TokenBatch) -> (Float, [Float]) {
            model.zeroGradients()
            let loss = model.forward(batch)
            model.backward()
            return (loss, model.gradients.array)
        }
        var changedTargets = plain.targets
        for index in [3, 7, 12] { changedTargets[index] = 200 }
        let (lossA, gradientA) = gradient(
            TokenBatch(B: 2, T: 8, inputs: plain.inputs, targets: plain.targets, targetWeights: weights))
        let (lossB, gradientB) = gradient(
            TokenBatch(B: 2, T: 8, inputs: plain.inputs, targets: changedTargets, targetWeights: weights))
        #expect(lossA == lossB)
        #expect(gradientA == gradientB)
        let (plainLoss, plainGradient) = gradient(plain)
        let (onesLoss, onesGradient) = gradient(
            TokenBatch(
                B: 2, T: 8, inputs: plain.inputs, targets: plain.targets,
                targetWeights: [Float](repeating: 1, count: 16)))
        #expect(abs(plainLoss - onesLoss) < 1e-6)
        #expect(zip(plainGradient, onesGradient).allSatisfy { abs($0 - $1) < 1e-6 })
        let kept = model.lastPositionLosses.enumerated().filter { weights[$0.offset] > 0 }.map(\.element)
        _ = gradient(TokenBatch(B: 2, T: 8, inputs: plain.inputs, targets: plain.targets, targetWeights: weights))
        let keptMean =
            model.lastPositionLosses.enumerated().filter { weights[$0.offset] > 0 }.map(\.element).reduce(0, +) / 13
        #expect(kept.count == 13 && abs(keptMean - lossA) < 1e-5)
    }

    @Test func checkpointKeepsTrainerState() throws {
        let model = LlamaModel(config: .tiny, seed: 2)
        let checkpoint = TrainingCheckpoint(
            model: model, optimizer: AdamW(layout: model.layout), step: 9, random: SplitMix64(seed: 4),
            consumedOffsets: ["t/0": 12], trainerState: Array("{\"packer\":1}".utf8))
        let decoded = try TrainingCheckpoint(decoding: checkpoint.encoded(), name: "memory")
        #expect(decoded == checkpoint)
        #expect(decoded.trainerState == Array("{\"packer\":1}".utf8))
    }
}
