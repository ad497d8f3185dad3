import Synchronization

extension AugmentService {
    /// How much work the worker holds right now, for the `in_flight_documents` and `batch_occupancy_ratio` gauges:
    /// the service writes it as documents move from poll to batch to shard to commit; a metrics collector reads it.
    public final class Load: Sendable {
        private let inFlight = Atomic<Int>(0)
        private let batch = Atomic<Int>(0)
        /// `augment.maxDocumentsInFlight`, the batch size `batchOccupancy` is a fraction of.
        public let maxDocumentsInFlight: Int

        init(maxDocumentsInFlight: Int) { self.maxDocumentsInFlight = maxDocumentsInFlight }

        /// Documents consumed but not yet in a committed shard: those in the admission window (running, or finished
        /// behind a slower one), those recorded in the open shard, and those polled while the window was full.
        public var inFlightDocuments: Int { inFlight.load(ordering: .relaxed) }

        /// Documents the augmenter is working on ÷ `maxDocumentsInFlight` (1 while the admission window is full).
        public var batchOccupancy: Double {
            Double(batch.load(ordering: .relaxed)) / Double(max(1, maxDocumentsInFlight))
        }

        func set(inFlightDocuments: Int) { inFlight.store(inFlightDocuments, ordering: .relaxed) }

        func set(runningDocuments: Int) { batch.store(runningDocuments, ordering: .relaxed) }
    }
}
