import Foundation
import GGUF
import Inference
import Quantization
import Randomness
import Testing

extension ModelTests {
    /// q4_K and q6_K matrices repacked at load (``InferenceConfiguration/repacksWeights``, the default) against the same model
    /// with every matrix read from the file. Each multiply differs only in float summation order (below 1e-6 of the
    /// largest output, `everyRepackableMatrixOfTheFileMultipliesAlike`), but the next layer re-quantizes its input to 8 bits,
    /// so a last-bit change flips some roundings and the logits move as much as between llama.cpp builds (the golden
    /// README's caveat 1): measured up to 0.61 on Gemma and 0.25 on Qwen, and a prompt's mean log-probability by up to
    /// 0.055 and 0.011 nats. A wrong kernel moves them by whole nats; `everyRepackableMatrixOfTheFileMultipliesAlike` is the
    /// tight check.
    @Suite(.serialized)
    struct RepackedWeightsTests {
        /// Max |repacked - mapped| logit over the golden top-100 ids: the golden logits tolerance.
        static let logitTolerance = 0.8
        /// Max |difference| of a prompt's mean log-probability, nats per token.
        static let meanLogProbabilityTolerance = 0.1

        @Test(arguments: [TestPaths.gemma3, TestPaths.qwen2])
        func repackedWeightsGiveTheMappedModelsLogits(model: String) async throws {
            let repacked = try await ModelFixtures.shared.engine(model)
            let mapped = InferenceEngine(
                configuration: InferenceConfiguration(
                    contextTokens: 1024, maxSequences: 16, maxBatchTokens: 512, repacksWeights: false),
                name: "test.mapped")
            try await mapped.load(path: try TestPaths.modelPath(model))
            let repackedBytes = try #require(await repacked.repackedWeightBytes)
            let fileBytes = try #require(await repacked.modelFileSizeBytes)
            #expect(repackedBytes > fileBytes / 50, "\(model): only \(repackedBytes) of \(fileBytes) bytes repacked")
            #expect(repackedBytes < fileBytes)
            #expect(await mapped.repackedWeightBytes == 0)

            let golden = try TestPaths.goldenJSON(model, "logits.json")
            var worst = 0.0, worstMean = 0.0
            for prompt in try #require(golden["prompts"] as? [[String: Any]]) {
                let tokens = try #require(prompt["prompt_tokens"] as? [Int])
                let fastLogProbabilities = try await repacked.promptLogProbabilities(tokens: tokens)
                let referenceLogProbabilities = try await mapped.promptLogProbabilities(tokens: tokens)
                func mean(_ values: [Float]) -> Double { values.reduce(0) { $0 + Double($1) } / Double(values.count) }
                worstMean = max(worstMean, abs(mean(fastLogProbabilities) - mean(referenceLogProbabilities)))
                let fast = try await repacked.lastLogits(tokens: tokens)
                let reference = try await mapped.lastLogits(tokens: tokens)
                for (id, _) in try #require(prompt["top100"] as? [Any]).idValuePairs {
                    worst = max(worst, abs(Double(fast[id]) - Double(reference[id])))
                }
                #expect(
                    fast.withUnsafeBufferPointer { Sampler.argmax($0) }
                        == reference.withUnsafeBufferPointer { Sampler.argmax($0) }, "\(model): top-1 differs")
            }
            print(
                "\(model): repacked \(repackedBytes) of \(fileBytes) bytes; logits max diff \(worst), "
                    + "mean prompt log-probability max diff \(worstMean)")
            #expect(worst < Self.logitTolerance, "\(model): repacked vs mapped logits max diff \(worst)")
            #expect(worstMean < Self.meanLogProbabilityTolerance, "\(model): mean log-probability diff \(worstMean)")
        }

        @Test func modelsWithoutKQuantWeightsRepackNothing() async throws {
            let engine = try await ModelFixtures.shared.engine(TestPaths.smolLM2)
            #expect(await engine.repackedWeightBytes == 0, "SmolLM2 is q4_1 and q8_0")
        }

        /// Every repackable q4_K and q6_K matrix of the model: the interleaved kernel against the plain one, rows of real
        /// weights times random activations, 1 and 3 columns.
        @Test(arguments: [TestPaths.gemma3, TestPaths.qwen2])
        func everyRepackableMatrixOfTheFileMultipliesAlike(model: String) throws {
            let file = try GGUFFile(path: try TestPaths.modelPath(model))
            var random = SplitMix64(seed: 9)
            var checked = 0
            var worst = 0.0
            for info in file.tensors where info.dimensions.count == 2 {
                let (columns, rows) = (info.dimensions[0], info.dimensions[1])
                guard InterleavedWeights.canRepack(type: info.type, rows: rows, columns: columns) else { continue }
                let plain = file.data(of: info)
                let packed = UnsafeMutableRawPointer.allocate(
                    byteCount: InterleavedWeights.byteCount(type: info.type, rows: rows, columns: columns),
                    alignment: 64)
                defer { packed.deallocate() }
                InterleavedWeights.repack(
                    type: info.type, plain.baseAddress!, rows: rows, columns: columns, into: packed)
                let batch = checked % 2 == 0 ? 1 : 3
                let x = (0..<(batch * columns)).map { _ in Float(random.nextGaussian()) }
                let rowBytes = GGMLType.q8_K.rowSizeBytes(elementCount: columns)
                var activations = [UInt8](repeating: 0, count: batch * rowBytes)
                x.withUnsafeBufferPointer { xb in
                    activations.withUnsafeMutableBytes { ab in
                        for c in 0..<batch {
                            QuantizedMatrix.quantizeActivations(
                                UnsafeBufferPointer(rebasing: xb[(c * columns)..<((c + 1) * columns)]), to: .q8_K,
                                into: UnsafeMutableRawBufferPointer(rebasing: ab[(c * rowBytes)..<((c + 1) * rowBytes)])
                            )
                        }
                    }
                }
                var fast = [Float](repeating: 0, count: batch * rows)
                var reference = [Float](repeating: 0, count: batch * rows)
                activations.withUnsafeBytes { a in
                    fast.withUnsafeMutableBufferPointer {
                        InterleavedWeights.multiply(
                            type: info.type, packed, columnCount: columns, rows: 0..<rows, activations: a.baseAddress!,
                            batch: batch,
                            into: $0.baseAddress!, outputStride: rows)
                    }
                    reference.withUnsafeMutableBufferPointer {
                        QuantizedMatrix.multiply(
                            type: info.type, weights: plain.baseAddress!, columnCount: columns, rows: 0..<rows,
                            activations: a.baseAddress!, batch: batch, into: $0.baseAddress!, outputStride: rows)
                    }
                }
                let scale = reference.reduce(0) { max($0, abs(Double($1))) }
                for (f, r) in zip(fast, reference) { worst = max(worst, abs(Double(f) - Double(r)) / scale) }
                checked += 1
            }
            print("\(model): \(checked) q4_K and q6_K matrices, worst |interleaved - plain| / max |plain| = \(worst)")
            #expect(checked > 0)
            #expect(
                worst < 1e-5, "\(model): interleaved and plain kernels differ by \(worst) of the largest output")
        }
    }
}
