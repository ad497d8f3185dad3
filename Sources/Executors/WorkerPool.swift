import Dispatch
import Foundation
import Synchronization

/// Splits one operation into parts run by the calling thread and persistent worker threads (one worker on this
/// project's 2-core machines), at a cost of well under a microsecond per operation.
///
/// ``run(_:)`` publishes the operation on an atomic word holding (operation number, parts claimed); every thread,
/// the caller included, claims parts until none are left, so a worker that the OS has not scheduled yet costs no
/// waiting: the caller simply runs its part too. Idle workers poll briefly, then sleep on a semaphore. Calls must
/// come from one thread at a time (the owner's dedicated thread).
///
/// Reason for `@unchecked Sendable`: `task` is written only by ``run(_:)`` before the releasing store that
/// publishes the operation, read by workers only after a successful acquiring claim of that same operation, and
/// `run` returns only after every part has finished.
public final class WorkerPool: @unchecked Sendable {
    /// Parts per operation, which is also the threads taking part (the caller included).
    public let threadCount: Int
    private let state = Atomic<Int>(0)  // operation << 8 | parts claimed
    private let finishedParts = Atomic<Int>(0)  // parts finished over all operations
    private let sleeping = Atomic<Int>(0)
    private let wakeUp = DispatchSemaphore(value: 0)
    private var task: ((Int) -> Void)?
    private var operation = 0
    private let spinIterations: Int

    /// Starts `threadCount - 1` named worker threads.
    ///
    /// - Parameters:
    ///   - threadCount: parts per operation including the caller's, 1 to 255.
    ///   - name: the worker threads' name prefix.
    ///   - spinIterations: polls of the operation word before an idle worker sleeps.
    public init(threadCount: Int, name: String = "thinkstream.worker", spinIterations: Int = 100_000) {
        precondition((1...255).contains(threadCount), "WorkerPool: threadCount must be in 1...255, got \(threadCount)")
        self.threadCount = threadCount
        self.spinIterations = spinIterations
        for worker in 1..<threadCount {
            let thread = Thread { [self] in self.workerLoop() }
            thread.name = "\(name).\(worker)"
            thread.start()
        }
    }

    /// Calls `body(part)` once for every part in `0..<threadCount`, concurrently where threads are free, and
    /// returns when all are done. Parts must write disjoint memory.
    ///
    /// - Parameters:
    ///   - body: the operation; `part` picks the share of the work.
    public func run(_ body: (_ part: Int) -> Void) {
        if threadCount == 1 {
            body(0)
            return
        }
        withoutActuallyEscaping(body) { escapable in
            task = escapable
            operation += 1
            state.store(operation << 8, ordering: .sequentiallyConsistent)
            if sleeping.load(ordering: .sequentiallyConsistent) > 0 {
                for _ in 1..<threadCount { wakeUp.signal() }
            }
            runClaimedParts(of: operation)
            let expected = operation * threadCount
            var polls = 0
            while finishedParts.load(ordering: .acquiring) != expected {
                polls += 1
                if polls > 2_000 { sched_yield() }
            }
            task = nil
        }
    }

    /// Claims and runs parts of `operation` until none are left.
    private func runClaimedParts(of operation: Int) {
        while true {
            var current = state.load(ordering: .acquiring)
            var part = -1
            while current >> 8 == operation, current & 0xFF < threadCount {
                let (exchanged, original) = state.compareExchange(
                    expected: current, desired: current + 1, ordering: .acquiringAndReleasing)
                if exchanged {
                    part = current & 0xFF
                    break
                }
                current = original
            }
            guard part >= 0 else { return }
            task!(part)
            finishedParts.add(1, ordering: .releasing)
        }
    }

    private func workerLoop() {
        var seen = 0
        while true {
            var polls = 0
            var current = state.load(ordering: .acquiring) >> 8
            while current == seen {
                polls += 1
                if polls >= spinIterations {
                    sleeping.add(1, ordering: .sequentiallyConsistent)
                    if state.load(ordering: .sequentiallyConsistent) >> 8 == seen { wakeUp.wait() }
                    sleeping.subtract(1, ordering: .sequentiallyConsistent)
                    polls = 0
                } else if polls % 1_000 == 0 {
                    sched_yield()
                }
                current = state.load(ordering: .acquiring) >> 8
            }
            seen = current
            runClaimedParts(of: current)
        }
    }
}
