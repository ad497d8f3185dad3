import Synchronization

/// The shards-topic lag of the latest measurement, for the progress line (-1 until the first one).
final class LagTotal: Sendable {
    private let total = Atomic<Int64>(-1)
    var value: Int64? {
        let total = total.load(ordering: .relaxed)
        return total >= 0 ? total : nil
    }
    func set(_ records: Int64) { total.store(records, ordering: .relaxed) }
}
