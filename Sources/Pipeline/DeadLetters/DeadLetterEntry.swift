import Foundation

/// One record of the dead-letter topic with where it is, when it was written, and whether it was re-driven.
public struct DeadLetterEntry: Sendable {
    /// `topic[partition]@offset` of the dead letter.
    public var coordinate: String
    /// When the broker stored it (the record timestamp), if known.
    public var timestamp: Date?
    public var letter: DeadLetter
    /// The redrive of this dead letter, from the ledger; nil when never re-driven.
    public var redrive: Redrive?

    /// A ledger entry: one dead letter put back on the raw topic.
    public struct Redrive: Sendable, Equatable {
        /// The dead letter re-driven (`topic[partition]@offset`).
        public var deadLetter: String
        /// Where the raw record went (`topic[partition]@offset` on the raw topic).
        public var raw: String
        /// 1 for the first redrive of a document, 2 when the re-driven record failed and was re-driven again, ...
        public var attempt: Int
        /// The raw record the document first failed at, before any redrive.
        public var original: String
    }

    public init(coordinate: String, timestamp: Date?, letter: DeadLetter, redrive: Redrive?) {
        self.coordinate = coordinate
        self.timestamp = timestamp
        self.letter = letter
        self.redrive = redrive
    }
}

/// Which dead letters a `dlq` command works on.
public struct DeadLetterFilter: Sendable {
    public var reason: String?
    public var component: String?
    /// Only dead letters written at or after this time.
    public var since: Date?

    public init(reason: String? = nil, component: String? = nil, since: Date? = nil) {
        self.reason = reason
        self.component = component
        self.since = since
    }

    public func matches(_ entry: DeadLetterEntry) -> Bool {
        if let reason, entry.letter.reason.rawValue != reason { return false }
        if let component, entry.letter.component != component { return false }
        if let since, (entry.timestamp ?? .distantPast) < since { return false }
        return true
    }

    /// Parses `--since`: an ISO 8601 time (`2026-12-05T06:00:00Z`) or an age (`45s`, `30m`, `2h`, `7d`).
    /// - Throws: `PipelineError` `.invalidConfiguration` naming the value and the forms accepted.
    public static func parseSince(_ text: String, now: Date = Date()) throws -> Date {
        if let date = ISO8601DateFormatter().date(from: text) { return date }
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        if let unit = text.last.flatMap({ units[$0] }), let count = Double(text.dropLast()), count >= 0 {
            return now.addingTimeInterval(-count * unit)
        }
        throw PipelineError(
            .invalidConfiguration,
            "--since '\(text)': give an ISO 8601 time (2026-12-05T06:00:00Z) or an age (45s, 30m, 2h, 7d)")
    }
}
