import Pipeline
import Testing

/// Item 8 of the production issue: the trainer's duplicate filter in bounded memory and checkpoint space.
@Suite struct RecentSampleFilterTests {
    /// Inserts each id in turn; true where the filter took it as new.
    static func insert(_ ids: [String], into filter: inout RecentSampleFilter) -> [Bool] {
        ids.map { filter.insert($0) }
    }

    @Test func duplicatesInsideTheWindowAreCaughtAndOlderOnesAreForgotten() {
        var filter = RecentSampleFilter(capacity: 3)
        #expect(Self.insert(["a", "b", "c"], into: &filter) == [true, true, true])
        #expect(Self.insert(["b"], into: &filter) == [false], "a duplicate inside the window")
        #expect(Self.insert(["d"], into: &filter) == [true], "a new id evicts the oldest, a")
        #expect(filter.count == 3)
        #expect(
            Self.insert(["a"], into: &filter) == [true],
            "a is beyond the window now, so it is taken as new (the stated trade-off)")
        #expect(Self.insert(["d", "a"], into: &filter) == [false, false])
        filter.removeAll()
        #expect(filter.count == 0)
        #expect(Self.insert(["d"], into: &filter) == [true])
    }

    @Test func theStateRoundTripsOldestFirstInSixteenBytesPerID() throws {
        var filter = RecentSampleFilter(capacity: 4)
        _ = Self.insert(["s1", "s2", "s3", "s4", "s5", "s6"], into: &filter)
        let serialized = filter.serialized
        #expect(serialized.count == (4 * 16 + 2) / 3 * 4, "4 keys of 16 bytes, base64")
        var restored = try RecentSampleFilter(capacity: 4, serialized: serialized)
        #expect(restored.serialized == serialized)
        #expect(
            Self.insert(["s3", "s6", "s7", "s3"], into: &restored) == [false, false, true, true],
            "s7 evicts s3, the oldest")
        // Restored into a smaller window, the newest keys are the ones kept.
        var smaller = try RecentSampleFilter(capacity: 2, serialized: serialized)
        #expect(Self.insert(["s6", "s5", "s4"], into: &smaller) == [false, false, true])
        #expect(throws: PipelineError.self) { _ = try RecentSampleFilter(capacity: 2, serialized: "not base64 keys!") }
    }

    /// The false-positive rate stated in the type's documentation (128-bit keys: ~capacity / 2^128 per new id),
    /// measured: 500,000 distinct ids through a 262,144-id window are all taken as new, and each is caught again
    /// while still inside the window.
    @Test func distinctIDsAreNeverTakenForDuplicates() {
        var filter = RecentSampleFilter(capacity: 1 << 18)
        let firstPass = Self.insert((0..<500_000).map { "sample-\($0)" }, into: &filter)
        #expect(firstPass.filter { !$0 }.count == 0, "false positives")
        #expect(filter.count == 1 << 18)
        let again = Self.insert(((500_000 - 1000)..<500_000).map { "sample-\($0)" }, into: &filter)
        #expect(again.filter { !$0 }.count == 1000, "recent duplicates caught")
        #expect(
            filter.serialized.utf8.count == ((1 << 18) * 16 + 2) / 3 * 4, "checkpoint space is bounded by the window")
    }
}
