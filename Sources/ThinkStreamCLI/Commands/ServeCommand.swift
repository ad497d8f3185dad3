import ArgumentParser
import Foundation
import Inference
import Kafka
import Logging
import Observability
import Pipeline
import ServiceLifecycle
import Serving
import UnixSignals

/// `thinkstream serve`: the in-process engine behind an OpenAI-compatible completions API.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the local GGUF engine with an OpenAI-compatible completions API.",
        discussion: """
            POST /v1/completions (prompt as text, token ids or a batch of either; max_tokens, temperature, top_p, \
            top_k, min_p, seed, stop, logprobs, echo, stream), GET /v1/models, GET /health and GET /metrics \
            (thinkstream_serve_*). Concurrent requests share the engine's continuous batch. With a broker \
            configured (--bootstrap-servers or THINKSTREAM_KAFKA_BOOTSTRAP_SERVERS) metrics events also go to the \
            metrics topic. Prints `serve: http://HOST:PORT/v1 model NAME` on standard error once it listens.
            Exit codes: 0 stopped by SIGINT/SIGTERM, 64 usage or unusable model, 69 broker unreachable, 70 server failed.
            """)

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var kafka: KafkaOptions
    @OptionGroup var metrics: MetricsOptions

    @Option(help: "Address to bind (default 127.0.0.1; 0.0.0.0 exposes the engine to the network).")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on; 0 picks a free one (default 8000).")
    var port = 8000

    @Option(help: "Model name to list and accept (default: the model file's name without .gguf).")
    var servedModelName: String?

    @Option(
        help:
            "Completions requests admitted at once (generating or queued); more are answered 429 with Retry-After (default 64)."
    )
    var maxConcurrentRequests = 64

    @Option(help: "TCP connections served at once; more wait in the listen backlog (default 512).")
    var maxConnections = 512

    @Option(help: "Seconds a connection may stay idle before it is closed (default 60).")
    var idleTimeout: Double = 60

    @Option(help: "Seconds a request body may take to arrive before its connection is closed (default 30).")
    var bodyTimeout: Double = 30

    @Flag(help: "Debug logging.")
    var verbose = false

    func validate() throws {
        guard maxConcurrentRequests >= 1 else {
            throw ValidationError("--max-concurrent-requests \(maxConcurrentRequests): must be at least 1")
        }
        guard maxConnections >= 1 else {
            throw ValidationError("--max-connections \(maxConnections): must be at least 1")
        }
        guard idleTimeout > 0, idleTimeout.isFinite else {
            throw ValidationError("--idle-timeout \(idleTimeout): must be a positive number of seconds")
        }
        guard bodyTimeout > 0, bodyTimeout.isFinite else {
            throw ValidationError("--body-timeout \(bodyTimeout): must be a positive number of seconds")
        }
        let settings = try kafka.settings(with: [metrics, modelOptions])
        _ = try metrics.configuration(settings)
        _ = try modelOptions.resolve(settings)
    }

    func run() async throws {
        let logger = try CommandBootstrap.start(command: "serve", verbose: verbose)
        let settings = try kafka.settings(with: [metrics, modelOptions])
        let metricsConfiguration = try metrics.configuration(settings)
        let model = try modelOptions.resolve(settings)
        let path = try model.path()
        let engine = InferenceEngine(configuration: model.engineConfiguration)
        let registry = CommandBootstrap.startMetrics(component: "serve")
        let handler: CompletionsHandler
        do {
            try await engine.load(path: path)
            let name = servedModelName ?? URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
            handler = try await CompletionsHandler(
                engine: engine, modelName: name, metrics: ServeMetrics(registry: registry))
        } catch {
            FileHandle.standardError.write(Data("error: \(path): \(error)\n".utf8))
            throw ExitCode(64)
        }
        let host = host
        let limits = ServeLimits(
            maxConcurrentRequests: maxConcurrentRequests, maxConnections: maxConnections,
            idleTimeout: .milliseconds(Int(idleTimeout * 1000)), bodyTimeout: .milliseconds(Int(bodyTimeout * 1000)))
        let server = CompletionsServer(
            handler: handler, registry: registry, host: host, port: port, limits: limits, logger: logger
        ) {
            boundPort in
            FileHandle.standardError.write(
                Data("serve: http://\(host):\(boundPort)/v1 model \(handler.modelName)\n".utf8))
        }
        var services: [any Service] = [server]
        if metricsConfiguration.endpointPort != 0 {
            services.append(
                MetricsEndpoint(
                    registry: registry, host: metricsConfiguration.endpointHost,
                    port: metricsConfiguration.endpointPort,
                    logger: logger))
        }
        var producer: KafkaProducer?
        do {
            if kafka.isBrokerConfigured {
                let client = try kafka.clientConfiguration(clientID: "thinkstream-serve")
                try KafkaAdmin(configuration: client, logger: logger).createTopics(
                    [kafka.topics.metrics], partitions: 3)
                let metricsProducer = try KafkaProducer(configuration: .init(client: client), logger: logger)
                producer = metricsProducer
                services.append(
                    MetricsPublisher(
                        registry: registry, producer: metricsProducer, topic: kafka.topics.metrics,
                        interval: metricsConfiguration.interval, logger: logger))
            }
            let group = ServiceGroup(
                configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await group.run()
        } catch {
            producer?.close()
            throw CommandBootstrap.fail(error)
        }
        producer?.close()
    }
}
