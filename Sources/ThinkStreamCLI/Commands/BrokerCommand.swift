import ArgumentParser
import BrokerLauncher
import Foundation
import Kafka

/// `thinkstream broker start|stop|status`: the embedded tansu broker on loopback.
struct BrokerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "broker",
        abstract: "Run the embedded Kafka-compatible broker (tansu, memory storage) on 127.0.0.1.",
        subcommands: [Start.self, Stop.self, Status.self])

    struct BrokerOptions: ParsableArguments, SettingFlags {
        @Option(help: "Port to listen on (env THINKSTREAM_BROKER_PORT; default 9092).")
        var port: Int?

        @Option(
            help: "Folder for the PID and log files (env THINKSTREAM_STATE_DIR; default .run in the current folder).")
        var stateDirectory: String?

        @OptionGroup var configFile: ConfigFileOption

        func settingFlags() throws -> [String: String] {
            var values: [String: String] = [:]
            values["broker.port"] = port.map { "\($0)" }
            values["broker.stateDirectory"] = stateDirectory
            return values
        }

        /// Refuses a port outside 1...65535 from the flag, THINKSTREAM_BROKER_PORT or the file before anything
        /// starts.
        func validate() throws { _ = try resolved() }

        /// The port and the state folder, resolved.
        /// - Throws: `ValidationError` naming a bad port and where it came from.
        func resolved() throws -> (port: Int, stateDirectory: String) {
            let settings = try configFile.settings([self])
            let folder = settings.value("broker.stateDirectory").flatMap { $0.origin == .defaultValue ? nil : $0.value }
            return (
                try settings.integer("broker.port", in: 1...65535, expected: "a port 1-65535") ?? 9092,
                folder ?? FileManager.default.currentDirectoryPath + "/.run"
            )
        }

        func broker() throws -> EmbeddedBroker {
            let (port, stateDirectory) = try resolved()
            return try EmbeddedBroker(port: port, stateDirectory: stateDirectory)
        }
    }

    struct Start: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Start the broker and wait until it answers.")
        @OptionGroup var options: BrokerOptions

        func run() throws {
            let logger = try CommandBootstrap.start(command: "broker")
            do {
                let broker = try options.broker()
                let pid = try broker.start(logger: logger)
                print("broker running on \(broker.bootstrapServers) (pid \(pid), log \(broker.logFile))")
                print(
                    "point commands at it with: export THINKSTREAM_KAFKA_BOOTSTRAP_SERVERS=\(broker.bootstrapServers) "
                        + "THINKSTREAM_KAFKA_PROFILE=embedded")
            } catch {
                throw CommandBootstrap.fail(error)
            }
        }
    }

    struct Stop: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop the broker this folder's PID file names.")
        @OptionGroup var options: BrokerOptions

        func run() throws {
            _ = try CommandBootstrap.start(command: "broker")
            do {
                let broker = try options.broker()
                print(
                    broker.stop()
                        ? "broker on \(broker.bootstrapServers) stopped"
                        : "no broker recorded for \(broker.bootstrapServers)")
            } catch {
                throw CommandBootstrap.fail(error)
            }
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Say whether the broker runs and answers; exit 69 if not.")
        @OptionGroup var options: BrokerOptions

        func run() throws {
            let logger = try CommandBootstrap.start(command: "broker")
            do {
                let broker = try options.broker()
                guard let pid = broker.runningPID() else {
                    print("no broker running on \(broker.bootstrapServers)")
                    throw ExitCode(69)
                }
                try broker.waitUntilReady(timeout: .seconds(3), logger: logger)
                print("broker running on \(broker.bootstrapServers) (pid \(pid)) and answering")
            } catch let exit as ExitCode {
                throw exit
            } catch {
                throw CommandBootstrap.fail(error)
            }
        }
    }
}
