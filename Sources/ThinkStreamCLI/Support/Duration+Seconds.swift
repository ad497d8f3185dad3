extension Duration {
    /// The duration in seconds.
    var seconds: Double { self / .seconds(1) }
}
