import ArgumentParser
import Foundation
import Kafka
import Logging
import Observability
import Pipeline
import ServiceLifecycle
import UnixSignals

/// `thinkstream dashboard`: a web page with live charts over the metrics topic.
struct DashboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "Serve a live web dashboard (HTML + server-sent events) over the metrics topic.",
        discussion: """
            Reads <prefix>.metrics with its own consumer group (never committing) and serves / (the page), \
            /api/state (JSON), /events (server-sent events) and /healthz. The page ships inside the binary.
            Exit codes: 0 stopped by SIGINT/SIGTERM, 64 usage, 69 broker unreachable, 70 server failed.
            """)

    @OptionGroup var kafka: KafkaOptions
    @OptionGroup var metrics: MetricsOptions

    @Option(help: "Address to bind (env THINKSTREAM_DASHBOARD_HOST; default 127.0.0.1).")
    var host: String?

    @Option(help: "Port to listen on (env THINKSTREAM_DASHBOARD_PORT; default 8080).")
    var port: Int?

    @Option(help: "Where to start reading: beginning or latest (env THINKSTREAM_DASHBOARD_FROM; default latest).")
    var from: String?

    @Option(help: "With --from latest, records per partition to read back first (default 500).")
    var backfill: Int64 = 500

    @Option(help: "Seconds after its last event that an instance still counts towards the rates shown (default 60).")
    var rateWindow: Double = 60

    @Flag(help: "Debug logging.")
    var verbose = false

    func run() async throws {
        let logger = try CommandBootstrap.start(command: "dashboard", verbose: verbose)
        let environment = ProcessInfo.processInfo.environment
        let host = host ?? environment["THINKSTREAM_DASHBOARD_HOST"] ?? "127.0.0.1"
        let port =
            try port ?? environment["THINKSTREAM_DASHBOARD_PORT"].map {
                guard let value = Int($0) else {
                    throw ValidationError("THINKSTREAM_DASHBOARD_PORT '\($0)': expected a port")
                }
                return value
            } ?? 8080
        let start = try Self.startPosition(
            from ?? environment["THINKSTREAM_DASHBOARD_FROM"] ?? "latest", backfill: backfill)
        guard rateWindow > 0 else {
            throw ValidationError("--rate-window \(rateWindow): must be positive seconds, e.g. 60")
        }
        var state = DashboardState()
        state.rateWindowMilliseconds = Int64(rateWindow * 1000)
        let store = DashboardStore(state: state)
        let reader: MetricsTopicReader
        do {
            let client = try kafka.clientConfiguration(clientID: "thinkstream-dashboard")
            let admin = try KafkaAdmin(configuration: client, logger: logger)
            try admin.createTopics([kafka.topics.metrics], partitions: 3)
            reader = try MetricsTopicReader(client: client, topic: kafka.topics.metrics, start: start, logger: logger)
        } catch {
            throw CommandBootstrap.fail(error)
        }
        let server = DashboardServer(store: store, host: host, port: port, logger: logger) { boundPort in
            FileHandle.standardOutput.write(Data("dashboard: http://\(host):\(boundPort)/\n".utf8))
        }
        var services: [any Service] = [server, MetricsReaderService(reader: reader, store: store)]
        let metricsConfiguration = try metrics.configuration()
        let registry = CommandBootstrap.startMetrics(component: "dashboard")
        DashboardMetrics.register(store: store, on: registry)
        if metricsConfiguration.endpointPort != 0 {
            services.append(
                MetricsEndpoint(
                    registry: registry, host: metricsConfiguration.endpointHost,
                    port: metricsConfiguration.endpointPort,
                    logger: logger))
        }
        let group = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            throw CommandBootstrap.fail(error)
        }
    }

    static func startPosition(_ name: String, backfill: Int64) throws -> MetricsTopicReader.StartPosition {
        switch name {
        case "beginning": return .beginning
        case "latest": return .latest(backfill: max(0, backfill))
        default: throw ValidationError("--from '\(name)': use beginning or latest")
        }
    }
}

/// Runs a metrics-topic reader until graceful shutdown.
struct MetricsReaderService: Service {
    let reader: MetricsTopicReader
    let store: DashboardStore

    func run() async throws {
        try await cancelWhenGracefulShutdown { try await reader.run(into: store) }
    }
}
