import Synchronization

/// The documents an augment worker has consumed and not yet recorded in its open shard, in consumption order, with
/// the augmentation running for each.
///
/// A document starts as soon as the window has room, so the engine's continuous batch stays full while long
/// documents finish; outcomes leave the window in consumption order only (``takeDecidedPrefix()``), so every shard
/// still covers a contiguous run of each partition's offsets. At most `maxRunning` documents are augmented at once,
/// and at most `maxHeld` are held: a slow document at the head stops admission before finished ones pile up.
///
/// Owned by the service's run loop (one task); the augmentations report back through a lock.
final class AdmissionWindow {
    struct Entry {
        let sequence: Int
        let collected: AugmentService.Collected
        var outcome: AugmentOutcome?
        var task: Task<Void, Never>?
    }

    let maxRunning: Int
    let maxHeld: Int
    private(set) var entries: [Entry] = []
    private var nextSequence = 0
    private let finished = FinishedAugmentations()

    init(maxRunning: Int, maxHeld: Int) {
        precondition(maxRunning >= 1 && maxHeld >= maxRunning, "window of \(maxRunning) running in \(maxHeld) held")
        self.maxRunning = maxRunning
        self.maxHeld = maxHeld
    }

    /// Documents whose augmentation has not reported yet.
    var running: Int { entries.count { $0.outcome == nil } }

    var isEmpty: Bool { entries.isEmpty }

    /// Whether another document may start.
    var hasRoom: Bool { running < maxRunning && entries.count < maxHeld }

    /// Adds a document whose outcome is already known (a record rejected before generation).
    func add(_ collected: AugmentService.Collected, outcome: AugmentOutcome) {
        entries.append(Entry(sequence: nextSequence, collected: collected, outcome: outcome))
        nextSequence += 1
    }

    /// Adds a document and starts its augmentation.
    func start(_ collected: AugmentService.Collected, _ augment: @escaping @Sendable () async throws -> AugmentOutcome)
    {
        let sequence = nextSequence
        nextSequence += 1
        let finished = finished
        let task = Task {
            do {
                finished.report(sequence, .success(try await augment()))
            } catch {
                finished.report(sequence, .failure(error))
            }
        }
        entries.append(Entry(sequence: sequence, collected: collected, task: task))
    }

    /// Moves the reported outcomes into their entries (reports of dropped entries are ignored).
    /// - Throws: the error of an augmentation that failed as a whole (the generator is unusable).
    func collectReports() throws {
        for (sequence, result) in finished.take() {
            guard let index = entries.firstIndex(where: { $0.sequence == sequence }) else { continue }
            entries[index].outcome = try result.get()
            entries[index].task = nil
        }
    }

    /// Removes and returns the leading documents whose outcome is known, in consumption order.
    func takeDecidedPrefix() -> [(collected: AugmentService.Collected, outcome: AugmentOutcome)] {
        let count = entries.prefix { $0.outcome != nil }.count
        let decided = entries.prefix(count).map { ($0.collected, $0.outcome!) }
        entries.removeFirst(count)
        return decided
    }

    /// Drops the documents `shouldDrop` selects, cancelling their augmentation (read under an older rebalance
    /// generation: their new owner reads them again).
    func drop(where shouldDrop: (Entry) -> Bool) {
        for entry in entries where shouldDrop(entry) { entry.task?.cancel() }
        entries.removeAll(where: shouldDrop)
    }

    /// Cancels every running augmentation, waits for them to end and empties the window.
    func cancelAll() async {
        let tasks = entries.compactMap(\.task)
        entries.removeAll()
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
        _ = finished.take()
    }
}

/// Outcomes reported by running augmentations, until the run loop collects them.
final class FinishedAugmentations: Sendable {
    private let reports = Mutex<[(Int, Result<AugmentOutcome, any Error>)]>([])

    func report(_ sequence: Int, _ result: Result<AugmentOutcome, any Error>) {
        reports.withLock { $0.append((sequence, result)) }
    }

    func take() -> [(Int, Result<AugmentOutcome, any Error>)] {
        reports.withLock {
            let taken = $0
            $0.removeAll()
            return taken
        }
    }
}
