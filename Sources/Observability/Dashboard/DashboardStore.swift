import Foundation
import Kafka
import Logging
import Synchronization

/// The dashboard's shared state: the metrics-topic reader writes into it, HTTP handlers and `top` read overviews.
public final class DashboardStore: Sendable {
    private let state: Mutex<DashboardState>
    private let malformed = Atomic<Int>(0)

    public init(state: DashboardState = DashboardState()) { self.state = Mutex(state) }

    /// Records that could not be decoded so far.
    public var malformedRecords: Int { malformed.load(ordering: .relaxed) }

    /// Takes in one metrics-topic record by its `schema` header; other records are ignored.
    /// - Returns: whether the record was a metrics or lineage event.
    @discardableResult
    public func ingest(_ message: KafkaMessage, logger: Logger) -> Bool {
        do {
            switch message.header("schema") {
            case MetricsEvent.schemaHeader:
                let event = try MetricsEvent.decode(message.value)
                state.withLock { $0.ingest(event) }
            case LineageEvent.schemaHeader:
                let event = try LineageEvent.decode(message.value)
                state.withLock { $0.ingest(event) }
            default:
                return false
            }
            return true
        } catch {
            malformed.add(1, ordering: .relaxed)
            logger.debug(
                "metrics record skipped",
                metadata: [
                    "kafka.topic": "\(message.topic)", "kafka.partition": "\(message.partition)",
                    "kafka.offset": "\(message.offset)", "metrics.error": "\(error)",
                ])
            return false
        }
    }

    /// Takes in one metrics event directly (tests, in-process publishers).
    public func ingest(_ event: MetricsEvent) { state.withLock { $0.ingest(event) } }

    /// The overview as of now.
    public func overview(now: Date = Date()) -> DashboardOverview {
        let milliseconds = Int64((now.timeIntervalSince1970 * 1000).rounded())
        return state.withLock { $0.overview(now: milliseconds) }
    }

    /// Events taken in so far; changes when the page has something new to show.
    public var eventsSeen: Int64 { state.withLock { $0.eventsSeen } }
}
