import Executors
import Synchronization
import Testing

actor ThreadBoundCounter {
    let executor = DedicatedThreadExecutor(name: "test.counter")
    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }
    var count = 0

    func increment() -> Bool {
        count += 1
        return executor.isCurrentThread
    }
}

@Suite
struct ExecutorTests {
    @Test
    func actorMethodsRunOnTheDedicatedThread() async {
        let counter = ThreadBoundCounter()
        await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<100 { group.addTask { await counter.increment() } }
            for await onThread in group { #expect(onThread) }
        }
        #expect(await counter.count == 100)
        #expect(!counter.executor.isCurrentThread)
    }

    @Test
    func workerPoolRunsEveryPartOncePerOperation() {
        let pool = WorkerPool(threadCount: 2, name: "test.pool")
        let hits = Mutex<[Int]>([0, 0])
        for _ in 0..<1000 {
            pool.run { part in hits.withLock { $0[part] += 1 } }
        }
        #expect(hits.withLock { $0 } == [1000, 1000])
    }

    @Test
    func workerPoolWakesAfterSleeping() async throws {
        let pool = WorkerPool(threadCount: 2, name: "test.sleepy", spinIterations: 10)
        let total = Mutex(0)
        for _ in 0..<5 {
            try await Task.sleep(for: .milliseconds(5))
            pool.run { part in total.withLock { $0 += part + 1 } }
        }
        #expect(total.withLock { $0 } == 15)
    }
}
