import Testing

extension Tag {
    /// Tests that start a real embedded broker or run the `thinkstream` executable.
    @Tag public static var integration: Self
}
