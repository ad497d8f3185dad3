// One training step of the tiny llama against the float64 PyTorch reference in shared/golden/trainer.
import Foundation
import Testing
import Training

@Suite struct GoldenReferenceTests {
    static let lossTolerance = 1e-5  // relative
    static let gradientTolerance = 1e-4  // relative to each tensor's gradient norm
    static let weightTolerance = 1e-6  // absolute, where |grad| >= 1e-6

    func makeModel() throws -> (LlamaModel, TokenBatch, [String: Any]) {
        let reference = try GoldenFixtures.reference()
        let rows = try #require(reference["inputs"] as? [[Int]])
        let model = LlamaModel(config: .tiny)
        GoldenFixtures.load(try GoldenFixtures.gguf("tiny_llama_init.gguf"), into: model)
        return (model, TokenBatch(rows: rows), reference)
    }

    @Test func lossAndGradientsMatchReference() throws {
        let (model, batch, reference) = try makeModel()
        let expectedLoss = try #require(reference["loss"] as? Double)
        let loss = model.forward(batch)
        model.backward()
        let lossDiff = abs(Double(loss) - expectedLoss) / expectedLoss
        print("golden loss \(loss) vs \(expectedLoss), relative diff \(lossDiff)")
        #expect(lossDiff < Self.lossTolerance)

        let grads = try GoldenFixtures.gguf("tiny_llama_grads.gguf")
        var worst = 0.0
        for tensor in model.layout.tensors {
            let golden = try #require(grads.tensors[tensor.name]).values
            let ours = model.gradientPointer(tensor.name)
            var diffSquares = 0.0
            var normSquares = 0.0
            for i in 0..<tensor.count {
                let d = Double(ours[i]) - Double(golden[i])
                diffSquares += d * d
                normSquares += Double(golden[i]) * Double(golden[i])
            }
            let relative = (diffSquares / normSquares).squareRoot()
            worst = max(worst, relative)
            #expect(relative < Self.gradientTolerance, "\(tensor.name): relative gradient diff \(relative)")
        }
        print("golden gradients: worst per-tensor relative L2 diff \(worst)")
    }

    @Test func oneAdamWStepMatchesReference() throws {
        let (model, batch, reference) = try makeModel()
        let adamw = try #require(reference["adamw"] as? [String: Any])
        let optimizer = AdamW(
            layout: model.layout,
            configuration: AdamWConfiguration(
                beta1: Float(try #require(adamw["beta1"] as? Double)),
                beta2: Float(try #require(adamw["beta2"] as? Double)),
                eps: Float(try #require(adamw["eps"] as? Double)),
                weightDecay: Float(try #require(adamw["weight_decay"] as? Double))))
        let learningRate = Float(try #require(adamw["lr"] as? Double))
        model.trainStep(microBatches: [batch], optimizer: optimizer, learningRate: learningRate, maxGradientNorm: nil)

        let after = try GoldenFixtures.gguf("tiny_llama_after_adamw.gguf")
        let grads = try GoldenFixtures.gguf("tiny_llama_grads.gguf")
        var worst = 0.0
        var skipped = 0
        for tensor in model.layout.tensors {
            let golden = try #require(after.tensors[tensor.name]).values
            let goldenGrad = try #require(grads.tensors[tensor.name]).values
            let ours = model.parameterPointer(tensor.name)
            var tensorWorst = 0.0
            for i in 0..<tensor.count {
                if abs(goldenGrad[i]) < 1e-6 {
                    skipped += 1
                    continue
                }
                tensorWorst = max(tensorWorst, abs(Double(ours[i]) - Double(golden[i])))
            }
            worst = max(worst, tensorWorst)
            #expect(tensorWorst < Self.weightTolerance, "\(tensor.name): max weight diff \(tensorWorst)")
        }
        print("golden AdamW: max abs weight diff \(worst) (\(skipped) elements with |grad| < 1e-6 skipped)")

        let expectedLossAfter = try #require(reference["loss_after_one_step"] as? Double)
        let lossAfter = model.forward(batch)
        let diff = abs(Double(lossAfter) - expectedLossAfter) / expectedLossAfter
        print("golden loss after step \(lossAfter) vs \(expectedLossAfter), relative diff \(diff)")
        #expect(diff < Self.lossTolerance)
    }
}
