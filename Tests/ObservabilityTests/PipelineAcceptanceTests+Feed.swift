import BrokerLauncher
import Foundation
import Kafka
import Testing
import ThinkStreamTesting

extension PipelineAcceptanceTests {
    /// `feed` reads standard input in 4 MiB chunks, so with a little more than one chunk written and the pipe left
    /// open it has counted the first chunk's records and waits: `/metrics` must show them while it runs.
    @Test func feedServesMetricsWhileItReads() async throws {
        try FileManager.default.createDirectory(at: Self.artifacts, withIntermediateDirectories: true)
        try await withBroker { servers in try await Self.scrapeFeed(servers: servers) }
    }

    static func scrapeFeed(servers: String) async throws {
        signal(SIGPIPE, SIG_IGN)
        let port = EmbeddedBroker.freePort()
        let process = Process()
        process.executableURL = FixturePaths.thinkstreamExecutable
        process.environment = FixturePaths.childEnvironment()
        process.arguments = [
            "feed", "--bootstrap-servers", servers, "--topic-prefix",
            "feed-\(UUID().uuidString.prefix(6).lowercased())",
            "--metrics-port", "\(port)", "-",
        ]
        let input = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { CommandRunner.stop(process) }
        let lines = (0..<60_000).map { #"{"id":"doc-\#($0)","text":"A short document about streams, number \#($0)."}"# }
        let data = Data((lines.joined(separator: "\n") + "\n").utf8)
        let writer = input.fileHandleForWriting
        Thread { try? writer.write(contentsOf: data) }.start()
        let scrape = await ComponentScrape.poll(
            port: port, timeout: .seconds(60), isRunning: { process.isRunning },
            until: { $0.total("thinkstream_feed_documents_produced_total") > 0 })
        check(
            scrape, component: "feed",
            counters: [
                "thinkstream_feed_documents_in_total", "thinkstream_feed_documents_produced_total",
                "thinkstream_feed_input_bytes_total",
            ])
        try writer.close()
        #expect(await waitForExit(process, timeout: .seconds(60)) == 0)
    }
}
