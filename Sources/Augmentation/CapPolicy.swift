/// What to do with a trajectory that still hits the thinking cap after its last regeneration.
public enum CapPolicy: String, Sendable, Hashable, Codable, CaseIterable {
    /// Drop it; the document keeps its other trajectories (or none).
    case drop
    /// Keep it; ``SampleComposer`` closes it with `</think>` like any other.
    case keepAndClose
}
