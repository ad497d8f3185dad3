// Checkpoint round trip (bit-identical resume) and rejection of truncated or corrupted files.
import Foundation
import Randomness
import Tensors
import Testing
import Training

@Suite struct CheckpointTests {
    /// A batch drawn from the trainer RNG, so the RNG state is part of what must resume exactly.
    func batch(_ random: inout SplitMix64) -> TokenBatch {
        TokenBatch(rows: (0..<2).map { _ in (0...8).map { _ in Int(random.next() % 256) } })
    }

    func train(_ model: LlamaModel, _ optimizer: AdamW, _ random: inout SplitMix64, steps: Int) -> [Float] {
        (0..<steps).map { _ in
            model.trainStep(microBatches: [batch(&random)], optimizer: optimizer, learningRate: 1e-3).loss
        }
    }

    func temporaryDirectory() -> String {
        NSTemporaryDirectory() + "thinkstream-checkpoint-\(UUID().uuidString)"
    }

    @Test func resumeFromSavedCheckpointIsBitIdentical() throws {
        let store = CheckpointStore(directory: temporaryDirectory(), keepLast: 2)
        defer { try? FileManager.default.removeItem(atPath: store.directory) }
        let model = LlamaModel(config: .tiny, seed: 3)
        let optimizer = AdamW(layout: model.layout)
        var random = SplitMix64(seed: 99)
        _ = train(model, optimizer, &random, steps: 3)
        let offsets: [String: Int64] = ["tokens/0": 1234, "tokens/1": -1]
        try store.save(
            TrainingCheckpoint(model: model, optimizer: optimizer, step: 3, random: random, consumedOffsets: offsets))
        let continued = train(model, optimizer, &random, steps: 4)

        let loaded = try #require(try store.loadNewestValid())
        #expect(loaded.rejected.isEmpty)
        #expect(loaded.checkpoint.step == 3 && loaded.checkpoint.consumedOffsets == offsets)
        let (resumedModel, resumedOptimizer, random0) = loaded.checkpoint.restore()
        var resumedRandom = random0
        #expect(resumedOptimizer.step == 3)
        let resumed = train(resumedModel, resumedOptimizer, &resumedRandom, steps: 4)
        print("resume: continued \(continued), resumed \(resumed)")
        #expect(resumed == continued)
        #expect(resumedModel.parameters.array == model.parameters.array)
        #expect(resumedOptimizer.firstMoment.array == optimizer.firstMoment.array)
        #expect(resumedRandom == random)
    }

    @Test func savingKeepsOnlyTheNewestFiles() throws {
        let store = CheckpointStore(directory: temporaryDirectory(), keepLast: 2)
        defer { try? FileManager.default.removeItem(atPath: store.directory) }
        let model = LlamaModel(config: .tiny, seed: 1)
        let optimizer = AdamW(layout: model.layout)
        for step in [1, 2, 3] {
            try store.save(
                TrainingCheckpoint(model: model, optimizer: optimizer, step: step, random: SplitMix64(seed: 0)))
        }
        let names = try store.checkpointPaths().map { URL(fileURLWithPath: $0).lastPathComponent }
        #expect(names == [CheckpointStore.fileName(step: 2), CheckpointStore.fileName(step: 3)])
    }

    @Test(arguments: ["truncated", "flipped"])
    func corruptNewestFileIsRejectedAndOlderOneUsed(damage: String) throws {
        let store = CheckpointStore(directory: temporaryDirectory(), keepLast: 3)
        defer { try? FileManager.default.removeItem(atPath: store.directory) }
        let model = LlamaModel(config: .tiny, seed: 1)
        let optimizer = AdamW(layout: model.layout)
        let older = try store.save(
            TrainingCheckpoint(model: model, optimizer: optimizer, step: 5, random: SplitMix64(seed: 1)))
        let newer = try store.save(
            TrainingCheckpoint(model: model, optimizer: optimizer, step: 6, random: SplitMix64(seed: 2)))
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: newer)))
        if damage == "truncated" { bytes.removeLast(bytes.count / 3) } else { bytes[bytes.count / 2] ^= 0x10 }
        try Data(bytes).write(to: URL(fileURLWithPath: newer))

        let error = try #require(throws: TrainingError.self) { try store.load(path: newer) }
        print("\(damage): \(error)")
        #expect(error.code == .corruptCheckpoint)
        #expect(error.message.contains(newer))
        let loaded = try #require(try store.loadNewestValid())
        #expect(loaded.path == older)
        #expect(loaded.checkpoint.step == 5)
        #expect(loaded.rejected.count == 1 && loaded.rejected[0].message.contains(newer))
    }
}
