import ArgumentParser
import Foundation
import Kafka
import Logging
import Observability
import Pipeline
import ServiceLifecycle
import UnixSignals

/// `thinkstream dashboard`: a web page with live charts over the metrics topic.
struct DashboardCommand: AsyncParsableCommand, SettingFlags {
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

    @Option(
        help:
            "With --from latest, records per partition to read back first (env THINKSTREAM_DASHBOARD_BACKFILL; default 500)."
    )
    var backfill: Int64?

    @Option(help: "Seconds after its last event that an instance still counts towards the rates shown (default 60).")
    var rateWindow: Double = 60

    @Flag(help: "Debug logging.")
    var verbose = false

    func settingFlags() throws -> [String: String] {
        var values: [String: String] = [:]
        values["dashboard.host"] = host
        values["dashboard.port"] = port.map { "\($0)" }
        values["dashboard.from"] = from
        values["dashboard.backfill"] = backfill.map { "\($0)" }
        return values
    }

    /// The dashboard's settings, resolved and checked.
    /// - Throws: `ValidationError` naming a malformed value and where it came from.
    func settings() throws -> (
        host: String, port: Int, start: MetricsTopicReader.StartPosition, metrics: MetricsConfiguration
    ) {
        let settings = try kafka.settings(with: [metrics, self])
        let from = settings.value("dashboard.from")
        let start = try Self.startPosition(
            from?.value ?? "latest",
            backfill: Int64(
                try settings.integer("dashboard.backfill", in: 0...Int.max, expected: "records ≥ 0") ?? 500),
            source: from?.source ?? "--from")
        guard rateWindow > 0 else {
            throw ValidationError("--rate-window \(rateWindow): must be positive seconds, e.g. 60")
        }
        return (
            settings.value("dashboard.host")?.value ?? "127.0.0.1",
            try settings.integer("dashboard.port", in: 0...65535, expected: "a port 0-65535") ?? 8080, start,
            try metrics.configuration(settings)
        )
    }

    func validate() throws { _ = try settings() }

    func run() async throws {
        let logger = try CommandBootstrap.start(command: "dashboard", verbose: verbose)
        let (host, port, start, metricsConfiguration) = try settings()
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

    static func startPosition(_ name: String, backfill: Int64, source: String = "--from") throws
        -> MetricsTopicReader.StartPosition
    {
        switch name {
        case "beginning": return .beginning
        case "latest": return .latest(backfill: max(0, backfill))
        default: throw ValidationError("\(source) '\(name)': use beginning or latest")
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
