import Executors
import Kafka
import Logging
import Synchronization

/// Measures a consumer group's lag per partition every `interval` on its own thread (`thinkstream-lag`) and hands
/// each measurement to `report`, which sets a component's `consumer_lag_records` gauges.
///
/// Call `start()` once, and `stop()` on the way out, before the final metrics event: it measures once more, so that
/// event carries the lag after the last commit.
public final class ConsumerLagMonitor: Sendable {
    private let estimator: ConsumerLagEstimator
    private let interval: Duration
    private let logger: Logger
    private let report: @Sendable ([ConsumerLagEstimator.PartitionLag]) -> Void
    private let executor = DedicatedThreadExecutor(name: "thinkstream-lag")
    private let loop = Mutex<Task<Void, Never>?>(nil)

    /// - Parameters:
    ///   - interval: time between measurements (the metrics interval, so each event carries a fresh lag).
    ///   - report: called with every partition's lag after each measurement.
    public init(
        estimator: ConsumerLagEstimator, interval: Duration, logger: Logger,
        report: @escaping @Sendable ([ConsumerLagEstimator.PartitionLag]) -> Void
    ) {
        self.estimator = estimator
        self.interval = interval
        self.logger = logger
        self.report = report
    }

    /// Measures once and reports, blocking the caller for the broker round trips.
    public func measureNow() {
        do {
            report(try estimator.measure(timeout: min(interval, .seconds(5))))
        } catch {
            logger.warning(
                "consumer lag not measured",
                metadata: [
                    "kafka.topic": "\(estimator.topic)", "kafka.group": "\(estimator.groupID)",
                    "error.message": "\(error)",
                ])
        }
    }

    /// Measures now and then every `interval` on the monitor's thread, until `stop()`.
    public func start() {
        let task = Task(executorPreference: executor) { [self] in
            while !Task.isCancelled {
                measureNow()
                try? await Task.sleep(for: interval)
            }
        }
        loop.withLock { $0 = task }
    }

    /// Ends the loop, measures a last time, and closes the estimator and the monitor's thread.
    public func stop() {
        loop.withLock { $0?.cancel() }
        measureNow()
        estimator.close()
        executor.shutdown()
    }
}
