import Dispatch
import Foundation
import Synchronization

/// A serial executor and task executor that runs every job on one dedicated, named thread.
///
/// Use it as an actor's `unownedExecutor` so the actor's synchronous compute runs off the cooperative pool:
///
/// ```swift
/// actor Engine {
///     let executor = DedicatedThreadExecutor(name: "thinkstream.inference")
///     nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }
/// }
/// ```
///
/// Jobs run in the order they were enqueued. The thread lives until ``shutdown()``.
public final class DedicatedThreadExecutor: SerialExecutor, TaskExecutor {
    /// The thread's name, as shown by debuggers and `top -H`.
    public let name: String
    private let queue = Mutex<JobQueue>(JobQueue())
    private let wakeUp = DispatchSemaphore(value: 0)
    private let threadIdentifier = Atomic<UInt>(0)

    private struct JobQueue {
        var jobs: [UnownedJob] = []
        var head = 0
        var stopped = false

        mutating func pop() -> UnownedJob? {
            guard head < jobs.count else { return nil }
            let job = jobs[head]
            head += 1
            if head == jobs.count {
                jobs.removeAll(keepingCapacity: true)
                head = 0
            }
            return job
        }
    }

    /// Starts the thread.
    ///
    /// - Parameters:
    ///   - name: the thread name (Linux keeps the first 15 bytes).
    public init(name: String) {
        self.name = name
        let thread = Thread { [self] in self.runLoop() }
        thread.name = name
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Enqueues a job to run on the thread.
    public func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        queue.withLock { $0.jobs.append(unowned) }
        wakeUp.signal()
    }

    public func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    /// Traps unless the caller runs on this executor's thread.
    public func checkIsolated() {
        precondition(isCurrentThread, "DedicatedThreadExecutor \(name): not on its thread")
    }

    /// Whether the calling thread is this executor's thread.
    public var isCurrentThread: Bool {
        threadIdentifier.load(ordering: .acquiring) == UInt(pthread_self())
    }

    /// Lets the thread exit once the jobs already enqueued have run; later jobs never run.
    public func shutdown() {
        queue.withLock { $0.stopped = true }
        wakeUp.signal()
    }

    private func runLoop() {
        Thread.current.name = name
        threadIdentifier.store(UInt(pthread_self()), ordering: .releasing)
        while true {
            wakeUp.wait()  // one signal per job, plus one from shutdown()
            let (job, stopped) = queue.withLock { ($0.pop(), $0.stopped) }
            if let job {
                job.runSynchronously(isolatedTo: asUnownedSerialExecutor(), taskExecutor: asUnownedTaskExecutor())
            } else if stopped {
                return
            }
        }
    }
}
