import ArgumentParser
import Foundation
import Kafka
import Logging
import Observability
import Pipeline

/// `thinkstream top`: the dashboard's overview in a terminal.
struct TopCommand: ParsableCommand, SettingFlags {
    static let configuration = CommandConfiguration(
        commandName: "top",
        abstract: "Show the pipeline overview from the metrics topic in the terminal, refreshing.",
        discussion: """
            Reads <prefix>.metrics like `thinkstream dashboard` and redraws every --refresh seconds (plain ANSI). \
            With --once it reads up to the end of the topic, prints one snapshot without escapes and exits.
            Exit codes: 0 done or interrupted, 64 usage, 69 broker unreachable.
            """)

    @OptionGroup var kafka: KafkaOptions

    @Flag(help: "Print one snapshot and exit.")
    var once = false

    @Option(help: "Seconds between redraws (env THINKSTREAM_TOP_REFRESH; default 2).")
    var refresh: Double?

    @Option(help: "Where to start reading: beginning or latest (default latest).")
    var from = "latest"

    @Option(help: "With --from latest, records per partition to read back first.")
    var backfill: Int64 = 500

    @Option(help: "With --once, seconds to wait for the end of the topic.")
    var timeout: Double = 15

    func settingFlags() throws -> [String: String] { ["top.refresh": refresh.map { "\($0)" }].compactMapValues { $0 } }

    /// Seconds between redraws, resolved.
    /// - Throws: `ValidationError` naming a value that is not a positive number and where it came from.
    func refreshSeconds() throws -> Double {
        try kafka.settings(with: [self]).number("top.refresh", expected: "seconds > 0") { $0 > 0 } ?? 2
    }

    func validate() throws {
        _ = try refreshSeconds()
        guard timeout > 0 else { throw ValidationError("--timeout \(timeout): must be positive seconds") }
    }

    func run() throws {
        let logger = try CommandBootstrap.start(command: "top")
        let start = try DashboardCommand.startPosition(from, backfill: backfill)
        let refresh = try refreshSeconds()
        let store = DashboardStore()
        do {
            let client = try kafka.clientConfiguration(clientID: "thinkstream-top")
            let reader = try MetricsTopicReader(
                client: client, topic: kafka.topics.metrics, start: start, logger: logger)
            if once {
                let caughtUp = try reader.readToEnd(into: store, timeout: .milliseconds(Int(timeout * 1000)))
                if !caughtUp { logger.warning("top: metrics topic not read to its end within --timeout") }
                print(OverviewText.render(store.overview()), terminator: "")
                return
            }
            InterruptFlag.install()
            try reader.assign()
            while !InterruptFlag.isRaised {
                try reader.read(into: store, for: .milliseconds(Int(refresh * 1000)))
                FileHandle.standardOutput.write(
                    Data(("\u{1B}[H\u{1B}[2J" + OverviewText.render(store.overview())).utf8))
            }
        } catch {
            throw CommandBootstrap.fail(error)
        }
    }
}
