import Foundation
import Pipeline
import Shards
import Testing

@Suite struct SampleShuffleBufferTests {
    /// 30 documents with 3 trajectories each, side by side, as augment's tiered mode writes them.
    static func trajectories() -> [ShardSample] {
        (0..<30).flatMap { document in
            (0..<3).map { trajectory in
                var sample = TrainFixtures.sample(
                    id: "doc-\(document)", text: "Document \(document).", level: .advanced, offset: Int64(document))
                sample.sampleID = "\(document)-\(trajectory)"
                sample.trajectoryIndex = trajectory
                return sample
            }
        }
    }

    static func shuffled(_ samples: [ShardSample], capacity: Int, seed: UInt64) -> [String] {
        var buffer = SampleShuffleBuffer(capacity: capacity, seed: seed)
        var out: [String] = []
        for sample in samples {
            let before = buffer.count
            let released = buffer.insert(sample)
            #expect(released.count == (before == capacity ? 1 : 0))
            #expect(buffer.count == min(capacity, before + 1))
            out += released.map(\.sampleID)
        }
        out += buffer.drain().map(\.sampleID)
        #expect(buffer.count == 0)
        return out
    }

    @Test func everySampleLeavesOnceInASeededOrder() {
        let samples = Self.trajectories()
        let order = Self.shuffled(samples, capacity: 16, seed: 7)
        #expect(order.sorted() == samples.map(\.sampleID).sorted(), "a permutation: nothing lost or repeated")
        #expect(order != samples.map(\.sampleID))
        #expect(Self.shuffled(samples, capacity: 16, seed: 7) == order, "same seed, same order")
        #expect(Self.shuffled(samples, capacity: 16, seed: 8) != order)
    }

    @Test func aDocumentsTrajectoriesAreSpreadApart() {
        let samples = Self.trajectories()
        func meanGap(_ order: [String]) -> Double {
            let position = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
            var gaps: [Int] = []
            for document in 0..<30 {
                let places = (0..<3).map { position["\(document)-\($0)"]! }.sorted()
                gaps += zip(places, places.dropFirst()).map { $1 - $0 }
            }
            return Double(gaps.reduce(0, +)) / Double(gaps.count)
        }
        #expect(meanGap(samples.map(\.sampleID)) == 1)
        // With 32 samples in the pool a sample stays ~32 inserts; neighbours end up far apart on average.
        let spread = meanGap(Self.shuffled(samples, capacity: 32, seed: 1))
        #expect(spread > 8, "mean gap between a document's trajectories: \(spread)")
        let order = Self.shuffled(samples, capacity: 32, seed: 1)
        let adjacent = order.indices.dropLast().filter { index in
            order[index].split(separator: "-")[0] == order[index + 1].split(separator: "-")[0]
        }
        #expect(adjacent.count < 10, "trajectories of one document packed next to each other: \(adjacent.count) of 89")
    }

    @Test func aRestoredPoolContinuesTheSameOrder() throws {
        let samples = Self.trajectories()
        var whole = SampleShuffleBuffer(capacity: 10, seed: 3)
        var first = SampleShuffleBuffer(capacity: 10, seed: 3)
        var wholeOrder: [String] = []
        var resumedOrder: [String] = []
        for sample in samples.prefix(40) {
            wholeOrder += whole.insert(sample).map(\.sampleID)
            resumedOrder += first.insert(sample).map(\.sampleID)
        }
        let saved = try JSONDecoder().decode(
            SampleShuffleBuffer.State.self, from: JSONEncoder().encode(first.state))
        var resumed = SampleShuffleBuffer(capacity: 10, seed: 99, state: saved)
        for sample in samples.dropFirst(40) {
            wholeOrder += whole.insert(sample).map(\.sampleID)
            resumedOrder += resumed.insert(sample).map(\.sampleID)
        }
        wholeOrder += whole.drain().map(\.sampleID)
        resumedOrder += resumed.drain().map(\.sampleID)
        #expect(resumedOrder == wholeOrder, "the saved state carries the random stream; the seed is not used again")

        // A pool restored into a smaller buffer sheds its surplus on the next insert.
        var smaller = SampleShuffleBuffer(capacity: 4, seed: 0, state: saved)
        #expect(smaller.insert(samples[89]).count == 7)
        #expect(smaller.count == 4)
    }
}
