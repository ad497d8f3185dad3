import ArgumentParser
import Foundation
import JSON
import Kafka
import Pipeline

/// `thinkstream dlq`: list the dead-letter topic by reason, component and time, and re-drive chosen dead letters'
/// raw documents to the raw topic exactly once.
struct DeadLetterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dlq", abstract: "List dead letters and re-drive them to the raw topic.",
        subcommands: [List.self, Redrive.self])

    struct Selection: ParsableArguments {
        @Option(help: "Only dead letters with this reason (e.g. engine_failed, generation_failed).")
        var reason: String?

        @Option(help: "Only dead letters of this component (feed, augment, train).")
        var component: String?

        @Option(help: "Only dead letters written since an ISO 8601 time or an age (45s, 30m, 2h, 7d).")
        var since: String?

        func filter() throws -> DeadLetterFilter {
            do {
                return DeadLetterFilter(
                    reason: reason, component: component, since: try since.map { try DeadLetterFilter.parseSince($0) })
            } catch let error as PipelineError {
                throw ValidationError(error.message)
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print dead letters (time, component, reason, source, redrive, message) and counts by reason.")

        @OptionGroup var kafka: KafkaOptions
        @OptionGroup var selection: Selection

        @Flag(help: "One JSON object per dead letter instead of text.")
        var json = false

        func run() throws {
            let logger = try CommandBootstrap.start(command: "dlq")
            do {
                let filter = try selection.filter()
                let redriver = DeadLetterRedriver(
                    topics: kafka.topics, client: try kafka.clientConfiguration(clientID: "thinkstream-dlq"),
                    logger: logger)
                let entries = try redriver.entries().filter(filter.matches)
                let time = ISO8601DateFormatter()
                for entry in entries {
                    let when = entry.timestamp.map { time.string(from: $0) } ?? "-"
                    if json {
                        var members: [(key: String, value: JSONValue)] = [
                            ("dead_letter", .string(entry.coordinate)), ("time", .string(when)),
                            ("component", .string(entry.letter.component)),
                            ("reason", .string(entry.letter.reason.rawValue)),
                            ("source", .string(entry.letter.sourceFile)), ("message", .string(entry.letter.message)),
                        ]
                        if let redrive = entry.redrive {
                            members.append(("redriven_to", .string(redrive.raw)))
                            members.append(("attempt", .number(String(redrive.attempt))))
                        }
                        print(String(decoding: JSONWriter.encode(.object(members)), as: UTF8.self))
                    } else {
                        let redrive = entry.redrive.map { " → re-driven to \($0.raw) (attempt \($0.attempt))" } ?? ""
                        print(
                            "\(when)  \(entry.letter.component)  \(entry.letter.reason)  \(entry.letter.sourceFile)\(entry.letter.sourceLine.map { ":\($0)" } ?? "")"
                                + "  [\(entry.coordinate)]\(redrive)\n    \(entry.letter.message.prefix(200))")
                    }
                }
                if !json {
                    let counts = Dictionary(grouping: entries) { "\($0.letter.component) \($0.letter.reason)" }
                    print(
                        "\(entries.count) dead letters" + (counts.isEmpty ? "" : ": ")
                            + counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.count)" }.joined(
                                separator: ", ")
                            + "; \(entries.filter { $0.redrive != nil }.count) re-driven")
                }
            } catch {
                throw CommandBootstrap.fail(error)
            }
        }
    }

    struct Redrive: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Put the raw documents of matching dead letters back on the raw topic, exactly once each.",
            discussion: """
                Each re-driven record carries headers redrive.attempt, redrive.original (where the document first
                failed) and redrive.dead_letter; a ledger topic <prefix>.dlq-redriven, written in the same transaction,
                refuses a second redrive of the same dead letter. Only augment's dead letters hold a whole raw
                document; for feed's, fix the input file and feed it again.
                """)

        @OptionGroup var kafka: KafkaOptions
        @OptionGroup var selection: Selection

        @Flag(help: "Print what would be re-driven and produce nothing.")
        var dryRun = false

        func validate() throws {
            guard selection.reason != nil else {
                throw ValidationError(
                    "--reason is required: choose which dead letters to re-drive (see 'thinkstream dlq list')")
            }
        }

        func run() async throws {
            let logger = try CommandBootstrap.start(command: "dlq")
            do {
                let redriver = DeadLetterRedriver(
                    topics: kafka.topics, client: try kafka.clientConfiguration(clientID: "thinkstream-dlq"),
                    logger: logger)
                let summary = try await redriver.redrive(try selection.filter(), dryRun: dryRun)
                for redrive in summary.redriven {
                    print(
                        "\(dryRun ? "would re-drive" : "re-drove") \(redrive.deadLetter) → \(redrive.raw) (attempt \(redrive.attempt), first failed at \(redrive.original))"
                    )
                }
                for coordinate in summary.alreadyRedriven { print("refused \(coordinate): already re-driven") }
                for (coordinate, reason) in summary.refused { print("refused \(coordinate): \(reason)") }
                print(
                    "\(dryRun ? "would re-drive" : "re-drove") \(summary.redriven.count); already re-driven \(summary.alreadyRedriven.count); not re-drivable \(summary.refused.count)"
                )
            } catch {
                throw CommandBootstrap.fail(error)
            }
        }
    }
}
