import CompletionsAPI
import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import Observability
import ServiceLifecycle
import Synchronization

/// The OpenAI-compatible HTTP server of `thinkstream serve`, a `Service`:
/// - `POST /v1/completions` completions (JSON, or server-sent events with `stream: true`, ending `data: [DONE]`);
/// - `GET /v1/models` the served model;
/// - `GET /health` `ok` once the model is loaded;
/// - `GET /metrics` the Prometheus text of `registry`.
///
/// Bad requests answer 400 with `{"error": {"message", "type", "param", "code"}}` naming the field. ``ServeLimits``
/// bound what it admits: requests past `maxConcurrentRequests` answer 429 with `Retry-After`, bodies slower than
/// `bodyTimeout` 408, idle connections close after `idleTimeout`, and at most `maxConnections` are served at once.
/// A client that disconnects stops its generation: the engine frees its slot at the next step.
public struct CompletionsServer: Service {
    /// Request bodies larger than this are refused.
    public static let maxBodyBytes = 8 << 20

    public let handler: CompletionsHandler
    public let registry: MetricsRegistry
    public let host: String
    public let port: Int
    public let limits: ServeLimits
    private let logger: Logger
    private let onReady: @Sendable (Int) async -> Void

    /// - Parameters:
    ///   - handler: answers completions with the loaded engine.
    ///   - registry: served on `/metrics`; `ServeMetrics` counts requests into it.
    ///   - host: bind address (loopback by default).
    ///   - port: TCP port; 0 picks a free one, reported to `onReady`.
    ///   - limits: admission, connection and timeout bounds.
    public init(
        handler: CompletionsHandler, registry: MetricsRegistry, host: String = "127.0.0.1", port: Int = 8000,
        limits: ServeLimits = ServeLimits(), logger: Logger, onReady: @escaping @Sendable (Int) async -> Void = { _ in }
    ) {
        self.limits = limits
        self.handler = handler
        self.registry = registry
        self.host = host
        self.port = port
        self.logger = logger
        self.onReady = onReady
    }

    /// Serves until cancelled or shut down gracefully.
    /// - Throws: when the address cannot be bound.
    public func run() async throws {
        let onReady = onReady
        let idle = TimeAmount.nanoseconds(
            Int64(limits.idleTimeout.components.seconds) * 1_000_000_000
                + limits.idleTimeout.components.attoseconds / 1_000_000_000)
        let app = Application(
            router: makeRouter(),
            server: .http1(configuration: .init(additionalChannelHandlers: [ClientHangupHandler()], idleTimeout: idle)),
            configuration: .init(
                address: .hostname(host, port: port), serverName: "thinkstream-serve",
                availableConnectionsDelegate: MaximumAvailableConnections(limits.maxConnections, logger: logger)),
            onServerRunning: { channel in await onReady(channel.localAddress?.port ?? 0) }, logger: logger)
        try await app.run()
    }

    func makeRouter() -> Router<ServeRequestContext> {
        let handler = handler
        let limits = limits
        let registry = registry
        let metrics = ServeMetrics(registry: registry)
        let inFlight = InFlightCount()
        let router = Router(context: ServeRequestContext.self)
        router.get("health") { _, _ -> String in "ok" }
        router.get("metrics") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: registry.prometheusText())))
        }
        router.get("v1/models") { _, _ -> Response in
            let started = ContinuousClock.now
            let response = Self.json(.ok, handler.models)
            metrics.requestDone(route: "models", status: 200, duration: ContinuousClock.now - started)
            return response
        }
        router.post("v1/completions") { request, context -> Response in
            let started = ContinuousClock.now
            let admitted = inFlight.add(1)
            guard admitted <= limits.maxConcurrentRequests else {
                _ = inFlight.add(-1)
                metrics.requestDone(route: "completions", status: 429, duration: ContinuousClock.now - started)
                var response = Self.errorResponse(
                    ServingError(
                        .overloaded,
                        "\(limits.maxConcurrentRequests) requests are in flight, the most this server admits; retry after \(limits.retryAfterSeconds) s"
                    ))
                response.headers[.retryAfter] = String(limits.retryAfterSeconds)
                return response
            }
            metrics.setInFlight(admitted)
            var request = request
            let response = await Self.completions(&request, handler: handler, limits: limits, channel: context.channel)
            {
                metrics.setInFlight(inFlight.add(-1))
                metrics.requestDone(route: "completions", status: $0, duration: ContinuousClock.now - started)
            }
            return response
        }
        return router
    }

    /// Answers one completions request; `done` gets the status once the last byte is written.
    static func completions(
        _ request: inout Request, handler: CompletionsHandler, limits: ServeLimits, channel: any Channel,
        done: @escaping @Sendable (Int) -> Void
    ) async -> Response {
        do {
            let body = try await collectBody(&request, timeout: limits.bodyTimeout, channel: channel)
            let plan = try handler.plan(try decode(body))
            let id = "cmpl-\(UUID().uuidString.lowercased())"
            guard plan.stream else {
                let response = json(
                    .ok, try await untilClientLeaves(channel) { try await handler.complete(plan, id: id) })
                done(200)
                return response
            }
            let events = try await handler.startStream(plan)
            return Response(
                status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
                body: ResponseBody { writer in
                    defer { done(200) }
                    try await handler.streamChunks(plan, events: events, id: id) { chunk in
                        try await writer.write(
                            ByteBuffer(bytes: Array("data: ".utf8) + encode(chunk) + Array("\n\n".utf8)))
                    }
                    try await writer.write(ByteBuffer(string: "data: [DONE]\n\n"))
                    try await writer.finish(nil)
                })
        } catch is ClientLeft {
            done(499)
            return Response(status: .init(code: 499, reasonPhrase: "Client Closed Request"))
        } catch {
            let serving = servingError(error)
            done(serving.code.status)
            return errorResponse(serving)
        }
    }

    static func errorResponse(_ serving: ServingError) -> Response {
        json(
            HTTPResponse.Status(code: serving.code.status),
            CompletionsErrorBody(
                error: .init(
                    message: serving.message, type: serving.code.rawValue, param: serving.parameter,
                    code: serving.code.status)))
    }

    /// The client closed its connection before the answer was ready; the work for it was cancelled.
    struct ClientLeft: Error {}

    /// The body, or `.requestTimeout` when it does not arrive within `timeout`: the connection of a sender that
    /// slow is closed (a slowloris holds nothing past the deadline).
    static func collectBody(_ request: inout Request, timeout: Duration, channel: any Channel) async throws
        -> ByteBuffer
    {
        let expired = Atomic<Bool>(false)
        let deadline = Task {
            try await Task.sleep(for: timeout)
            expired.store(true, ordering: .relaxed)
            channel.close(promise: nil)
        }
        defer { deadline.cancel() }
        do {
            return try await request.collectBody(upTo: maxBodyBytes)
        } catch  where expired.load(ordering: .relaxed) {
            throw ServingError(
                .requestTimeout, "the request body did not arrive within \(timeout); the connection was closed")
        }
    }

    /// Runs `work` until it finishes, or cancels it when the client's connection closes first (the engine then
    /// stops generating for it).
    static func untilClientLeaves<Result: Sendable>(
        _ channel: any Channel, _ work: @escaping @Sendable () async throws -> Result
    ) async throws -> Result {
        let task = Task { try await work() }
        // Registered for the connection's lifetime; cancelling a finished task does nothing.
        channel.closeFuture.whenComplete { _ in task.cancel() }
        do {
            return try await withTaskCancellationHandler {
                try await task.value
            } onCancel: {
                task.cancel()
            }
        } catch is CancellationError where !channel.isActive {
            throw ClientLeft()
        }
    }

    /// Decodes the body, naming the field of a decoding failure.
    static func decode(_ body: ByteBuffer) throws -> CompletionRequest {
        do {
            return try JSONDecoder().decode(CompletionRequest.self, from: Data(body.readableBytesView))
        } catch let error as DecodingError {
            throw ServingError.decoding(error)
        } catch {
            throw ServingError(.invalidRequest, "the body is not JSON: \(error)", cause: error)
        }
    }

    static func servingError(_ error: any Error) -> ServingError {
        switch error {
        case let error as ServingError: return error
        case let error as HTTPError where error.status == .contentTooLarge:
            return ServingError(.invalidRequest, "the body exceeds \(maxBodyBytes) bytes", cause: error)
        default: return ServingError(.engineFailure, "the request failed: \(error)", cause: error)
        }
    }

    static func json(_ status: HTTPResponse.Status, _ value: some Encodable) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: encode(value))))
    }

    static func encode(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return (try? Array(encoder.encode(value)))
            ?? Array(#"{"error":{"message":"encoding failed","type":"server_error"}}"#.utf8)
    }
}

/// Requests being answered, shared by the route closures.
final class InFlightCount: Sendable {
    private let value = Atomic<Int>(0)

    /// Adds `delta` and returns the new count.
    func add(_ delta: Int) -> Int { value.add(delta, ordering: .relaxed).newValue }
}
