import ThinkStreamTesting

/// Models and golden files, shared with the other test targets.
typealias TestPaths = ModelFixtures
