// swift-tools-version: 6.2
import PackageDescription

/// The checkout's own directory: librdkafka ≥ 2.2 is looked up first in `.deps/lib` beside it
/// (a `librdkafka.so.1` link that `make` points at the confluent-kafka wheel's build), then on the system path.
let packageDirectory = String(#filePath.dropLast("/Package.swift".count))
let librdkafkaRunPath: [LinkerSetting] = [
    .unsafeFlags(["-Xlinker", "-rpath", "-Xlinker", "\(packageDirectory)/.deps/lib", "-Xlinker", "-rpath", "-Xlinker", "$ORIGIN/../lib/thinkstream"])
]

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "ThinkStream",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "thinkstream", targets: ["ThinkStreamCLI"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        .systemLibrary(name: "CRdKafka", pkgConfig: "rdkafka", providers: [.apt(["librdkafka-dev"])]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .target(name: "Tensors", dependencies: ["COpenBLAS"], swiftSettings: swiftSettings),
        .target(name: "Training", dependencies: ["Tensors"], swiftSettings: swiftSettings),
        .testTarget(
            name: "TrainingTests", dependencies: ["Training", "Tensors"],
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "TrainerBenchmark", dependencies: ["Training", "Tensors"], path: "Benchmarks/trainer/TrainerBenchmark",
            swiftSettings: swiftSettings),
        .target(
            name: "Kafka",
            dependencies: ["CRdKafka", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings,
            linkerSettings: librdkafkaRunPath
        ),
        .target(name: "Shards", dependencies: ["CZstd"], swiftSettings: swiftSettings),
        .target(
            name: "Pipeline",
            dependencies: [
                "Kafka", "Shards",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(name: "ThinkStreamTesting", dependencies: ["Kafka", "Pipeline"], swiftSettings: swiftSettings),
        .executableTarget(
            name: "ThinkStreamCLI",
            dependencies: [
                "Kafka", "Pipeline",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "EndToEndTests", dependencies: ["Kafka", "ThinkStreamTesting"], swiftSettings: swiftSettings),
        .testTarget(name: "KafkaTests", dependencies: ["Kafka", "ThinkStreamTesting"], swiftSettings: swiftSettings),
        .testTarget(
            name: "PipelineTests",
            dependencies: ["Pipeline", "Kafka", "Shards", "ThinkStreamTesting"],
            swiftSettings: swiftSettings
        ),
        .target(name: "GGUF", dependencies: ["Quantization"], swiftSettings: swiftSettings),
        .target(name: "Tokenization", swiftSettings: swiftSettings),
        .testTarget(name: "GGUFTests", dependencies: ["GGUF", "Quantization"], swiftSettings: swiftSettings),
        .testTarget(
            name: "TokenizationTests", dependencies: ["Tokenization", "GGUF"], swiftSettings: swiftSettings),
        .target(
            name: "CThinkStreamShims",
            cSettings: [.unsafeFlags(["-O3", "-mavx2", "-mfma", "-mf16c", "-ffp-contract=off"])]
        ),
        .target(name: "Quantization", dependencies: ["CThinkStreamShims"], swiftSettings: swiftSettings),
        .testTarget(name: "QuantizationTests", dependencies: ["Quantization"], swiftSettings: swiftSettings),
        .target(name: "Executors", swiftSettings: swiftSettings),
        .target(
            name: "Inference",
            dependencies: ["Tensors", "Quantization", "GGUF", "Tokenization", "Executors"],
            // The forward pass's loops are optimized in debug builds too, so the golden tests stay fast there.
            swiftSettings: swiftSettings + [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        .testTarget(
            name: "InferenceTests", dependencies: ["Inference", "Executors", "GGUF", "Tokenization", "Quantization"],
            exclude: ["Reference"], swiftSettings: swiftSettings),
        .target(
            name: "Augmentation", dependencies: ["Inference", "Tokenization"], exclude: ["Resources"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "AugmentationTests", dependencies: ["Augmentation", "Inference", "Tokenization", "GGUF"],
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "DifficultyFeatureDump", dependencies: ["Augmentation", "Inference", "Tokenization", "GGUF"],
            path: "scripts/difficulty/DifficultyFeatureDump", swiftSettings: swiftSettings),
        .executableTarget(
            name: "InferenceMeasurement", dependencies: ["Inference", "Tokenization"], path: "Benchmarks/InferenceMeasurement",
            swiftSettings: swiftSettings),
    ]
)
