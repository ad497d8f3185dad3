// swift-tools-version: 6.2
import PackageDescription

// libFuzzer targets for the parsers that read untrusted bytes. Build and run them with `Fuzz/run.sh`, which passes
// `--sanitize fuzzer --sanitize address`; a plain `swift build` here cannot link them (libFuzzer supplies `main`).
//
// The root package is a path dependency. A path dependency's identity is its directory's name, which is whatever the
// checkout is called, so it is read from this file's path.
let rootDirectory = String(#filePath.dropLast("/Fuzz/Package.swift".count))
let root = String(rootDirectory.split(separator: "/").last!)

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "ThinkStreamFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(path: "..")],
    targets: [
        .executableTarget(
            name: "JSONParserFuzzer", dependencies: [.product(name: "JSON", package: root)],
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "ShardDecoderFuzzer", dependencies: [.product(name: "Shards", package: root)],
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "GGUFReaderFuzzer", dependencies: [.product(name: "GGUF", package: root)],
            swiftSettings: swiftSettings),
    ]
)
