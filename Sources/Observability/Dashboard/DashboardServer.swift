import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// The dashboard's HTTP server, a `Service`:
/// - `GET /` the page (HTML, CSS, JS and SVG charts inline; no external assets), with the current overview embedded;
/// - `GET /api/state` the overview as JSON;
/// - `GET /events` server-sent events, one `data:` line with the overview JSON every `pushInterval`;
/// - `GET /healthz` `ok`.
public struct DashboardServer: Service {
    public let store: DashboardStore
    public let host: String
    public let port: Int
    public let pushInterval: Duration
    private let logger: Logger
    private let onReady: @Sendable (Int) async -> Void

    /// - Parameters:
    ///   - host: bind address (loopback by default).
    ///   - port: TCP port; 0 picks a free one, reported to `onReady`.
    ///   - pushInterval: time between server-sent events.
    public init(
        store: DashboardStore, host: String = "127.0.0.1", port: Int = 8080, pushInterval: Duration = .seconds(1),
        logger: Logger, onReady: @escaping @Sendable (Int) async -> Void = { _ in }
    ) {
        self.store = store
        self.host = host
        self.port = port
        self.pushInterval = pushInterval
        self.logger = logger
        self.onReady = onReady
    }

    /// Serves until cancelled or shut down gracefully.
    /// - Throws: when the address cannot be bound.
    public func run() async throws {
        let onReady = onReady
        let app = Application(
            router: makeRouter(),
            configuration: .init(address: .hostname(host, port: port), serverName: "thinkstream-dashboard"),
            onServerRunning: { channel in await onReady(channel.localAddress?.port ?? 0) }, logger: logger)
        try await app.run()
    }

    func makeRouter() -> Router<BasicRequestContext> {
        let store = store
        let pushInterval = pushInterval
        let router = Router()
        router.get("/") { _, _ -> Response in
            let page = DashboardPage.render(initialState: Self.json(store.overview()))
            return Response(
                status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: page)))
        }
        router.get("api/state") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: Self.json(store.overview()))))
        }
        router.get("healthz") { _, _ -> String in "ok" }
        router.get("events") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
                body: ResponseBody { writer in
                    while !Task.isCancelled && !Task.isShuttingDownGracefully {
                        var event = Array("data: ".utf8)
                        event += Self.json(store.overview())
                        event += Array("\n\n".utf8)
                        try await writer.write(ByteBuffer(bytes: event))
                        try await Task.sleep(for: pushInterval)
                    }
                    try await writer.finish(nil)
                })
        }
        return router
    }

    static func json(_ overview: DashboardOverview) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return (try? Array(encoder.encode(overview))) ?? Array("{}".utf8)
    }
}
