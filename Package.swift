// swift-tools-version: 6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "ThinkStream",
    platforms: [.macOS(.v15)],
    products: [],
    dependencies: [],
    targets: [
        .systemLibrary(name: "CRdKafka", pkgConfig: "rdkafka", providers: [.apt(["librdkafka-dev"])]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .target(name: "Quantization", swiftSettings: swiftSettings),
        .target(name: "GGUF", dependencies: ["Quantization"], swiftSettings: swiftSettings),
        .target(name: "Tokenization", swiftSettings: swiftSettings),
        .testTarget(name: "GGUFTests", dependencies: ["GGUF", "Quantization"], swiftSettings: swiftSettings),
        .testTarget(
            name: "TokenizationTests", dependencies: ["Tokenization", "GGUF"], swiftSettings: swiftSettings),
    ]
)
