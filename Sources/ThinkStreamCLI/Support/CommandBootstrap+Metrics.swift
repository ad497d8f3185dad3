import Foundation
import Kafka
import Logging
import Metrics
import Observability
import Prometheus

extension CommandBootstrap {
    /// Makes the process's metrics registry and bootstraps `MetricsSystem` with a Prometheus factory over it, so
    /// swift-metrics users and the registry land on the same `/metrics` page. Call once per process.
    static func startMetrics(component: String) -> MetricsRegistry {
        let registry = MetricsRegistry(identity: .current(component: component))
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry.prometheus))
        ProcessMetrics.register(on: registry)
        return registry
    }

    /// Starts `/metrics` in the background when the configuration asks for it.
    /// - Returns: the task serving it (cancel to stop), or nil when the port is 0.
    static func startMetricsEndpoint(
        _ configuration: MetricsConfiguration, registry: MetricsRegistry, logger: Logger
    ) -> Task<Void, Never>? {
        guard configuration.endpointPort != 0 else { return nil }
        let endpoint = MetricsEndpoint(
            registry: registry, host: configuration.endpointHost, port: configuration.endpointPort, logger: logger)
        return Task {
            do {
                try await endpoint.run()
            } catch {
                logger.warning("/metrics endpoint stopped", metadata: ["metrics.error": "\(error)"])
            }
        }
    }

    /// Starts measuring a consumer group's lag on `topic` every metrics interval; `report` sets the gauge.
    /// - Returns: the running monitor (`stop()` it before the final metrics event), or nil when the estimator cannot
    ///   be made (the job runs on without lag metrics; the reason is logged).
    static func startLagMonitor(
        client: KafkaClientConfiguration, groupID: String, topic: String, interval: Duration, logger: Logger,
        report: @escaping @Sendable ([ConsumerLagEstimator.PartitionLag]) -> Void
    ) -> ConsumerLagMonitor? {
        do {
            let estimator = try ConsumerLagEstimator(client: client, groupID: groupID, topic: topic, logger: logger)
            let monitor = ConsumerLagMonitor(estimator: estimator, interval: interval, logger: logger, report: report)
            monitor.start()
            return monitor
        } catch {
            logger.warning(
                "consumer lag metrics off", metadata: ["kafka.topic": "\(topic)", "error.message": "\(error)"])
            return nil
        }
    }
}

/// A long-running component's metrics plumbing: the registry, `/metrics`, a metrics event every interval and
/// optionally the consumer-lag gauge. ``finish()`` stops them in order and publishes the final event.
final class ComponentMetrics {
    let registry: MetricsRegistry
    let publisher: MetricsPublisher
    private let configuration: MetricsConfiguration
    private let client: KafkaClientConfiguration
    private let logger: Logger
    private let producer: KafkaProducer
    private let endpoint: Task<Void, Never>?
    private let periodic: Task<Void, Never>
    private var lagMonitor: ConsumerLagMonitor?

    /// Starts the registry (once per process), `/metrics` when configured, and periodic events to `topic`.
    /// - Throws: `KafkaError` when the metrics producer cannot be made.
    init(
        component: String, configuration: MetricsConfiguration, client: KafkaClientConfiguration, topic: String,
        logger: Logger
    ) throws {
        self.configuration = configuration
        self.client = client
        self.logger = logger
        registry = CommandBootstrap.startMetrics(component: component)
        endpoint = CommandBootstrap.startMetricsEndpoint(configuration, registry: registry, logger: logger)
        producer = try KafkaProducer(configuration: .init(client: client), logger: logger)
        let publisher = MetricsPublisher(
            registry: registry, producer: producer, topic: topic, interval: configuration.interval, logger: logger)
        self.publisher = publisher
        periodic = Task { await publisher.runPeriodically() }
    }

    /// Measures `groupID`'s lag on `topic` every metrics interval and hands it to `report`.
    func monitorLag(
        groupID: String, topic: String, report: @escaping @Sendable ([ConsumerLagEstimator.PartitionLag]) -> Void
    ) {
        lagMonitor = CommandBootstrap.startLagMonitor(
            client: client, groupID: groupID, topic: topic, interval: configuration.interval, logger: logger,
            report: report)
    }

    /// Stops the periodic events and the lag monitor, publishes the final event, then closes the producer and
    /// `/metrics`.
    func finish() {
        periodic.cancel()
        lagMonitor?.stop()
        _ = try? publisher.publish(isFinal: true)
        producer.close()
        endpoint?.cancel()
    }
}
