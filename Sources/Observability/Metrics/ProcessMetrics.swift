import Foundation

/// Metrics every process reports: resident memory, read from `/proc/self/statm` at each snapshot.
public enum ProcessMetrics {
    public static let memoryResident = MetricDefinition.gauge(
        "memory_resident_bytes", help: "Resident set size of the process.")

    /// Adds a collector that sets `memory_resident_bytes` before each snapshot (Linux; elsewhere it stays unset).
    public static func register(on registry: MetricsRegistry) {
        registry.onCollect { registry in
            guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
                let pages = text.split(separator: " ").dropFirst().first.flatMap({ Double($0) })
            else { return }
            registry.set(memoryResident, to: pages * Double(sysconf(Int32(_SC_PAGESIZE))))
        }
    }
}
