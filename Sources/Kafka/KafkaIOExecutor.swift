import Executors
import Synchronization

/// The named thread on which one Kafka client's blocking calls run (transactions, the consumer's waits), so that
/// an awaiting task never holds a thread of the cooperative pool while librdkafka waits for the broker.
///
/// The thread starts on first use (clients only ever called synchronously never start one) and ends when its owner
/// is deinitialized. Calls run one at a time, in the order they were made.
final class KafkaIOExecutor: Sendable {
    /// The thread's name (Linux keeps the first 15 bytes).
    let name: String
    private let executor = Mutex<DedicatedThreadExecutor?>(nil)

    init(name: String) {
        self.name = name
    }

    deinit {
        executor.withLock { $0?.shutdown() }
    }

    /// Runs `body` on the thread; the calling task is suspended meanwhile, its own thread free.
    /// - Throws: what `body` throws.
    func run<Result>(_ body: () throws -> Result) async throws -> Result {
        let thread = executor.withLock { executor in
            if let executor { return executor }
            let started = DedicatedThreadExecutor(name: name)
            executor = started
            return started
        }
        return try await withTaskExecutorPreference(thread) {
            thread.checkIsolated()
            return try body()
        }
    }
}
