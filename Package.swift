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
        .target(
            name: "CThinkStreamShims",
            cSettings: [.unsafeFlags(["-O3", "-mavx2", "-mfma", "-mf16c", "-ffp-contract=off"])]
        ),
        .target(name: "Quantization", dependencies: ["CThinkStreamShims"], swiftSettings: swiftSettings),
        .testTarget(name: "QuantizationTests", dependencies: ["Quantization"], swiftSettings: swiftSettings),
    ]
)
