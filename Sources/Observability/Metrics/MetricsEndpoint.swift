import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// Serves `GET /metrics` (Prometheus text format 0.0.4) for one registry; a `Service`.
public struct MetricsEndpoint: Service {
    public let registry: MetricsRegistry
    public let host: String
    public let port: Int
    private let logger: Logger
    private let onReady: @Sendable (Int) async -> Void

    /// - Parameters:
    ///   - host: bind address; keep the default loopback unless a scraper runs elsewhere.
    ///   - port: TCP port; must be non-zero (0 means the endpoint is off, so callers do not start it).
    ///   - onReady: called with the bound port once the server listens.
    public init(
        registry: MetricsRegistry, host: String = "127.0.0.1", port: Int, logger: Logger,
        onReady: @escaping @Sendable (Int) async -> Void = { _ in }
    ) {
        self.registry = registry
        self.host = host
        self.port = port
        self.logger = logger
        self.onReady = onReady
    }

    /// Listens until cancelled or shut down gracefully.
    /// - Throws: when the address cannot be bound.
    public func run() async throws {
        let router = Router()
        let registry = registry
        router.get("metrics") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: registry.prometheusText())))
        }
        let onReady = onReady
        let app = Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: "thinkstream"),
            onServerRunning: { channel in await onReady(channel.localAddress?.port ?? 0) }, logger: logger)
        try await app.run()
    }
}
