import Foundation

/// Who publishes a metrics event: the component kind, one process instance of it, and the host it runs on.
public struct MetricsIdentity: Sendable, Hashable {
    /// `feed`, `augment`, `train`, `serve` or `dashboard`; the `<component>` in `thinkstream_<component>_...` names.
    public var component: String
    /// Unique per process; stable for the process's lifetime.
    public var instanceID: String
    public var host: String

    public init(component: String, instanceID: String, host: String) {
        precondition(
            !component.isEmpty && component.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "_" },
            "component '\(component)' must be lower-case letters, digits and '_' (it is part of metric names)")
        self.component = component
        self.instanceID = instanceID
        self.host = host
    }

    /// This process: `<component>-<host>-<pid>` unless THINKSTREAM_INSTANCE_ID names the instance.
    public static func current(component: String) -> MetricsIdentity {
        let host = ProcessInfo.processInfo.hostName
        let explicit = ProcessInfo.processInfo.environment["THINKSTREAM_INSTANCE_ID"].flatMap { $0.isEmpty ? nil : $0 }
        let instance = explicit ?? "\(component)-\(host)-\(ProcessInfo.processInfo.processIdentifier)"
        return MetricsIdentity(component: component, instanceID: instance, host: host)
    }
}
