import Foundation

/// One snapshot of one process's metrics, as published to the metrics topic (`schemas/metrics-event.v1.json`,
/// header `schema: metrics-event/1`, keyed by instance id). Names are full Prometheus names
/// (`thinkstream_augment_samples_out_total`), so the topic and `/metrics` speak of the same quantities.
public struct MetricsEvent: Sendable, Equatable, Codable {
    /// The `schema` header value.
    public static let schemaHeader = "metrics-event/1"

    public struct Counter: Sendable, Equatable, Codable, Labelled {
        public var name: String
        public var labels: [String: String]
        public var value: Int64

        public init(name: String, labels: [String: String] = [:], value: Int64) {
            self.name = name
            self.labels = labels
            self.value = value
        }
    }

    public struct Gauge: Sendable, Equatable, Codable, Labelled {
        public var name: String
        public var labels: [String: String]
        public var value: Double

        public init(name: String, labels: [String: String] = [:], value: Double) {
            self.name = name
            self.labels = labels
            self.value = value
        }
    }

    /// A fixed-bucket histogram: `counts[i]` observations fell at or below `bounds[i]` (and above `bounds[i-1]`);
    /// the last count is the `+Inf` bucket, so `counts.count == bounds.count + 1`.
    public struct Histogram: Sendable, Equatable, Codable, Labelled {
        public var name: String
        public var labels: [String: String]
        public var bounds: [Double]
        public var counts: [Int64]
        public var count: Int64
        public var sum: Double

        public init(
            name: String, labels: [String: String] = [:], bounds: [Double], counts: [Int64], count: Int64, sum: Double
        ) {
            self.name = name
            self.labels = labels
            self.bounds = bounds
            self.counts = counts
            self.count = count
            self.sum = sum
        }
    }

    public var component: String
    public var instanceID: String
    public var host: String
    /// Milliseconds since 1970 when the snapshot was taken.
    public var timestampMilliseconds: Int64
    /// Running number per instance, from 0.
    public var sequence: Int64
    /// Whether the process sent this on its way out.
    public var isFinal: Bool
    public var intervalSeconds: Double
    public var counters: [Counter]
    public var gauges: [Gauge]
    public var histograms: [Histogram]

    public init(
        component: String, instanceID: String, host: String, timestampMilliseconds: Int64, sequence: Int64,
        isFinal: Bool, intervalSeconds: Double, counters: [Counter], gauges: [Gauge], histograms: [Histogram]
    ) {
        self.component = component
        self.instanceID = instanceID
        self.host = host
        self.timestampMilliseconds = timestampMilliseconds
        self.sequence = sequence
        self.isFinal = isFinal
        self.intervalSeconds = intervalSeconds
        self.counters = counters
        self.gauges = gauges
        self.histograms = histograms
    }

    enum CodingKeys: String, CodingKey {
        case component, host, sequence, counters, gauges, histograms
        case instanceID = "instance_id"
        case timestampMilliseconds = "timestamp_ms"
        case isFinal = "final"
        case intervalSeconds = "interval_seconds"
    }

    /// The event as compact JSON with sorted keys.
    public func encoded() -> [UInt8] { EventCoding.encode(self) }

    /// Decodes an event from a metrics-topic record value.
    /// - Throws: `ObservabilityError` (`.malformedEvent`) naming what did not decode.
    public static func decode(_ bytes: [UInt8]) throws -> MetricsEvent { try EventCoding.decode(bytes) }

    static func order<Sample: Labelled>(_ a: Sample, _ b: Sample) -> Bool {
        (a.name, a.labels.sorted { $0.key < $1.key }.description) < (
            b.name, b.labels.sorted { $0.key < $1.key }.description
        )
    }

    /// The value of counter `name` with exactly `labels`, or 0.
    public func counter(_ name: String, labels: [String: String] = [:]) -> Int64 {
        counters.first { $0.name == name && $0.labels == labels }?.value ?? 0
    }

    /// The value of gauge `name` with exactly `labels`.
    public func gauge(_ name: String, labels: [String: String] = [:]) -> Double? {
        gauges.first { $0.name == name && $0.labels == labels }?.value
    }
}

/// A sample with a name and labels.
public protocol Labelled {
    var name: String { get }
    var labels: [String: String] { get }
}

/// JSON for the metrics-topic records: sorted keys, no escaped slashes.
enum EventCoding {
    static func encode<Value: Encodable>(_ value: Value) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return Array(try encoder.encode(value))
        } catch {
            preconditionFailure("metrics events hold only finite numbers and strings: \(error)")
        }
    }

    static func decode<Value: Decodable>(_ bytes: [UInt8], as type: Value.Type = Value.self) throws -> Value {
        do {
            return try JSONDecoder().decode(Value.self, from: Data(bytes))
        } catch {
            throw ObservabilityError(
                .malformedEvent,
                "metrics topic: record is not a valid \(Value.self); produce it with \(Value.self).encoded()",
                cause: error)
        }
    }
}
