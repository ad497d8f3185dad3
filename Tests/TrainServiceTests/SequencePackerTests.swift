import Foundation
import Pipeline
import Shards
import Testing

@Suite struct SequencePackerTests {
    static func samples() -> [ShardSample] {
        [
            TrainFixtures.sample(id: "a", text: "Alpha one. More.", level: .basic, offset: 0),
            TrainFixtures.sample(id: "b", text: "Beta two.", level: .advanced, offset: 1),
            TrainFixtures.sample(id: "c", text: "Gamma three is longer than the others.", level: .basic, offset: 2),
        ]
    }

    @Test func rowsOverlapByOneTokenAndDocumentsAreSeparatedByEOS() throws {
        var packer = SequencePacker(contextTokens: 8, eosTokenID: 0)
        let samples = Self.samples()
        for sample in samples { packer.append(sample) }
        var stream: [Int] = []
        var completed: [String] = []
        while let step = packer.nextStep(rows: 2) {
            #expect(step.rows.count == 2 && step.rows.allSatisfy { $0.count == 9 })
            #expect(step.rows[0].last == step.rows[1].first, "rows overlap by one token")
            for row in step.rows { stream += stream.isEmpty ? row : Array(row.dropFirst()) }
            completed += step.completedSampleIDs
        }
        let expected = [0] + samples.flatMap { $0.tokenIDs + [0] }
        #expect(Array(expected.prefix(stream.count)) == stream)
        // Whatever did not fill a whole step is carried over; a padded step trains it.
        let padded = packer.nextStep(rows: 2, padding: true)
        let last = try #require(padded)
        let real = last.rows.flatMap { Array($0.dropFirst()) }.prefix(last.realTargets)
        stream += real
        completed += last.completedSampleIDs
        #expect(stream == expected)
        #expect(completed == samples.map(\.sampleID))
        #expect(last.kinds.suffix(2 * 8 - last.realTargets).allSatisfy { $0 == .padding })
        #expect(packer.nextStep(rows: 2, padding: true) == nil)
    }

    @Test func packingIsDeterministicAndResumesFromSavedState() throws {
        let samples = Self.samples()
        var straight = SequencePacker(contextTokens: 5, eosTokenID: 0)
        for sample in samples { straight.append(sample) }
        var straightRows: [[Int]] = []
        while let step = straight.nextStep(rows: 3) { straightRows += step.rows }

        var first = SequencePacker(contextTokens: 5, eosTokenID: 0)
        first.append(samples[0])
        first.append(samples[1])
        var resumedRows: [[Int]] = []
        if let step = first.nextStep(rows: 3) { resumedRows += step.rows }
        let saved = try JSONEncoder().encode(first.state)
        var second = SequencePacker(
            contextTokens: 5, eosTokenID: 0, state: try JSONDecoder().decode(SequencePacker.State.self, from: saved))
        second.append(samples[2])
        while let step = second.nextStep(rows: 3) { resumedRows += step.rows }
        #expect(!straightRows.isEmpty)
        #expect(resumedRows == straightRows)
    }

    @Test func kindsFollowTheSpans() throws {
        var packer = SequencePacker(contextTokens: 4, eosTokenID: 0)
        let sample = Self.samples()[1]
        packer.append(sample)
        let first = packer.nextStep(rows: 1, padding: true)
        let step = try #require(first)
        // Targets are tokens 0..<4 of the sample: all inside the document span.
        #expect(step.kinds == [.document, .document, .document, .document])
        #expect(step.levels == [.advanced, .advanced, .advanced, .advanced])
        var rest: [PackedTokenKind] = []
        while let next = packer.nextStep(rows: 1, padding: true) { rest += next.kinds }
        let thinkingCount = sample.thinkingSpan.tokenEnd - sample.thinkingSpan.tokenStart
        #expect(rest.filter { $0 == .thinking }.count == thinkingCount)
    }
}
