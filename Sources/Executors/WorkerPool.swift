import Dispatch
import Foundation
import Synchronization

/// Splits one operation across the calling thread and persistent worker threads (at most one worker on this
/// project's 2-core machines), with a per-operation cost of a few hundred nanoseconds.
///
/// The workers are started once and spin briefly on an atomic generation counter between operations, then sleep on
/// a semaphore; ``run(_:)`` publishes the operation, runs part 0 itself and spins until the workers are done. Calls
/// must come from one thread at a time (the owner's dedicated thread).
///
/// Reason for `@unchecked Sendable`: `task` is written only by ``run(_:)`` before a releasing store to `generation`
/// and read by workers after an acquiring load of it; `run` does not return before every worker has finished.
public final class WorkerPool: @unchecked Sendable {
    /// Threads taking part in each operation, the caller included.
    public let threadCount: Int
    private let generation = Atomic<Int>(0)
    private let finishedParts = Atomic<Int>(0)  // parts finished by workers, over all operations
    private let sleeping = Atomic<Int>(0)
    private let wakeUp = DispatchSemaphore(value: 0)
    private var task: ((Int) -> Void)?
    private let spinIterations: Int

    /// Starts `threadCount - 1` named worker threads.
    ///
    /// - Parameters:
    ///   - threadCount: threads per operation including the caller, at least 1.
    ///   - name: the worker threads' name prefix.
    ///   - spinIterations: polls of the generation counter before a worker sleeps.
    public init(threadCount: Int, name: String = "thinkstream.worker", spinIterations: Int = 200_000) {
        precondition(threadCount >= 1, "WorkerPool: threadCount must be at least 1, got \(threadCount)")
        self.threadCount = threadCount
        self.spinIterations = spinIterations
        for worker in 1..<threadCount {
            let thread = Thread { [self] in self.workerLoop(part: worker) }
            thread.name = "\(name).\(worker)"
            thread.start()
        }
    }

    /// Calls `body(part)` once for every part in `0..<threadCount`, concurrently, and returns when all are done.
    /// Part 0 runs on the calling thread. Parts must write disjoint memory.
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
            let current = generation.add(1, ordering: .sequentiallyConsistent).newValue
            if sleeping.load(ordering: .sequentiallyConsistent) > 0 {
                for _ in 1..<threadCount { wakeUp.signal() }
            }
            escapable(0)
            let expected = current * (threadCount - 1)
            var polls = 0
            while finishedParts.load(ordering: .acquiring) != expected {
                polls += 1
                if polls > 100_000 { sched_yield() }
            }
            task = nil
        }
    }

    private func workerLoop(part: Int) {
        var seen = 0
        while true {
            var polls = 0
            var current = generation.load(ordering: .acquiring)
            while current == seen {
                polls += 1
                if polls >= spinIterations {
                    sleeping.add(1, ordering: .sequentiallyConsistent)
                    if generation.load(ordering: .sequentiallyConsistent) == seen { wakeUp.wait() }
                    sleeping.subtract(1, ordering: .sequentiallyConsistent)
                    polls = 0
                }
                current = generation.load(ordering: .acquiring)
            }
            seen = current
            task?(part)
            finishedParts.add(1, ordering: .releasing)
        }
    }
}
