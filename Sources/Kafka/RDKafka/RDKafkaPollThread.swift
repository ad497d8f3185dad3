import CRdKafka
import Foundation
import Synchronization

/// A named thread that serves a producer's delivery reports and errors by calling `rd_kafka_poll` until stopped.
final class RDKafkaPollThread: Sendable {
    private final class State: Sendable {
        let stopRequested = Atomic<Bool>(false)
        let finished = Mutex<Bool>(false)
    }

    private let state = State()

    init(name: String, client: RDKafkaClient) {
        let thread = Thread { [state] in
            while !state.stopRequested.load(ordering: .acquiring) {
                rd_kafka_poll(client.handle, 50)
            }
            state.finished.withLock { $0 = true }
        }
        thread.name = name
        thread.start()
    }

    /// Stops polling and waits (a poll lasts at most 50 ms) for the thread to leave librdkafka.
    func stop() {
        state.stopRequested.store(true, ordering: .releasing)
        while !state.finished.withLock({ $0 }) { usleep(2000) }
    }
}
