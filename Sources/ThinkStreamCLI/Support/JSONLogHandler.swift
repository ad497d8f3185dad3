import Foundation
import JSON
import Logging
import Pipeline

/// Writes one JSON object per log line to standard error: `ts`, `level`, `logger`, `msg`, then metadata keys.
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    init(label: String) { self.label = label }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var members: [(key: String, value: JSONValue)] = [
            ("ts", .string(Date().formatted(.iso8601))), ("level", .string(event.level.rawValue)),
            ("logger", .string(label)), ("msg", .string(event.message.description)),
        ]
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) { members.append((key, .string(value.description))) }
        var line = JSONWriter.encode(.object(members))
        line.append(0x0A)
        FileHandle.standardError.write(Data(line))
    }
}
