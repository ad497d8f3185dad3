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
}
