/// One quantity a component measures: its short name (`documents_in_total`), kind and help text.
/// The exported name is `thinkstream_<component>_<name>`; counters end in `_total`, and every name ends in its unit.
public struct MetricDefinition: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case counter
        case gauge
        /// A fixed-bucket histogram with these upper bounds (ascending; `+Inf` is implied).
        case histogram(buckets: [Double])
    }

    public var name: String
    public var kind: Kind
    public var help: String

    /// A monotonically increasing count; `name` must end in `_total`.
    public static func counter(_ name: String, help: String) -> MetricDefinition {
        precondition(name.hasSuffix("_total"), "counter '\(name)' must end in _total")
        return MetricDefinition(name: name, kind: .counter, help: help)
    }

    /// A value that goes up and down (lag, loss, in-flight documents).
    public static func gauge(_ name: String, help: String) -> MetricDefinition {
        MetricDefinition(name: name, kind: .gauge, help: help)
    }

    /// A distribution over fixed buckets; `buckets` are ascending upper bounds.
    public static func histogram(_ name: String, buckets: [Double], help: String) -> MetricDefinition {
        precondition(
            !buckets.isEmpty && zip(buckets, buckets.dropFirst()).allSatisfy { $0 < $1 },
            "buckets of '\(name)' must ascend")
        return MetricDefinition(name: name, kind: .histogram(buckets: buckets), help: help)
    }

    /// `thinkstream_<component>_<name>`.
    public func fullName(component: String) -> String { "thinkstream_\(component)_\(name)" }
}
