import BrokerLauncher
import CompletionsAPI
import Foundation
import Inference
import Kafka
import Observability
import Serving
import ThinkStreamTesting

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// One engine with SmolLM2 for the test process, and a `CompletionsServer` started and stopped around each test.
enum ServerFixture {
    static let modelName = "SmolLM2-135M-Instruct.Q4_1"
    static let engine = InferenceEngine(configuration: InferenceConfiguration(contextTokens: 512))
    /// Loads the model once, however many tests ask at the same time (a second load would replace the scheduler
    /// under requests in flight).
    private static let loading = Task { try await engine.load(path: try ModelFixtures.modelPath(modelName)) }

    /// The engine with the model loaded.
    static func loadedEngine() async throws -> InferenceEngine {
        try await loading.value
        return engine
    }

    /// Runs `body` with the base URL of a server on 127.0.0.1 (a free port) and the server's metrics registry.
    static func withServer<Result>(
        limits: ServeLimits = ServeLimits(), _ body: (URL, MetricsRegistry) async throws -> Result
    ) async throws -> Result {
        let engine = try await loadedEngine()
        let registry = MetricsRegistry(
            identity: MetricsIdentity(component: "serve", instanceID: "serve-test", host: "h"))
        let handler = try await CompletionsHandler(
            engine: engine, modelName: modelName, metrics: ServeMetrics(registry: registry))
        let port = EmbeddedBroker.freePort()
        let server = CompletionsServer(
            handler: handler, registry: registry, port: port, limits: limits, logger: TestLogging.logger)
        let task = Task { try await server.run() }
        defer { task.cancel() }
        let base = URL(string: "http://127.0.0.1:\(port)")!
        try await waitUntilHealthy(base)
        return try await body(base, registry)
    }

    /// Polls `/health` for up to 20 seconds.
    static func waitUntilHealthy(_ base: URL) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while true {
            do {
                let (_, response) = try await URLSession.shared.data(from: base.appendingPathComponent("health"))
                if (response as? HTTPURLResponse)?.statusCode == 200 { return }
            } catch  where ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    /// POSTs raw bytes to `/v1/completions`; returns the status and body.
    static func post(_ base: URL, body: Data) async throws -> (status: Int, body: Data) {
        var request = URLRequest(url: base.appendingPathComponent("v1/completions"))
        request.httpMethod = "POST"
        request.httpBody = body
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }

    /// POSTs a request and decodes a 200 response.
    static func complete(_ base: URL, _ request: CompletionRequest) async throws -> CompletionResponse {
        let (status, data) = try await post(base, body: try JSONEncoder().encode(request))
        guard status == 200 else {
            throw MissingFixture(description: "HTTP \(status): \(String(decoding: data, as: UTF8.self))")
        }
        return try JSONDecoder().decode(CompletionResponse.self, from: data)
    }

    /// GETs a path as text.
    static func get(_ base: URL, _ path: String) async throws -> (status: Int, text: String) {
        let (data, response) = try await URLSession.shared.data(from: base.appendingPathComponent(path))
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }
}
