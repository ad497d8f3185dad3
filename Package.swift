// swift-tools-version: 6.2
import PackageDescription

/// The checkout's own directory: librdkafka ≥ 2.2 is looked up first in `.deps/lib` beside it
/// (a `librdkafka.so.1` link that `make` points at the confluent-kafka wheel's build), then on the system path.
let packageDirectory = String(#filePath.dropLast("/Package.swift".count))
let librdkafkaRunPath: [LinkerSetting] = [
    .unsafeFlags([
        "-Xlinker", "-rpath", "-Xlinker", "\(packageDirectory)/.deps/lib", "-Xlinker", "-rpath", "-Xlinker",
        "$ORIGIN/../lib/thinkstream",
    ])
]

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "ThinkStream",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "thinkstream", targets: ["ThinkStreamCLI"]),
        // For the fuzz package in Fuzz/, which depends on this one by path.
        .library(name: "Shards", targets: ["Shards"]),
        .library(name: "GGUF", targets: ["GGUF"]),
        .library(name: "JSON", targets: ["JSON"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        .package(url: "https://github.com/apple/swift-configuration", from: "1.4.0"),
    ],
    targets: [
        .systemLibrary(name: "CRdKafka", pkgConfig: "rdkafka", providers: [.apt(["librdkafka-dev"])]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .target(name: "Tensors", dependencies: ["COpenBLAS"], swiftSettings: swiftSettings),
        // SplitMix64, the one seeded RNG (sampler, prompt builder, weight initialization, data order).
        .target(name: "Randomness", swiftSettings: swiftSettings),
        .target(name: "Training", dependencies: ["Randomness", "Tensors"], swiftSettings: swiftSettings),
        .testTarget(
            name: "TrainingTests", dependencies: ["Randomness", "Training", "Tensors"],
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "TrainerBenchmark", dependencies: ["Training", "Tensors"],
            path: "Benchmarks/trainer/TrainerBenchmark",
            swiftSettings: swiftSettings),
        .target(
            name: "Kafka",
            dependencies: ["CRdKafka", "Executors", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings,
            linkerSettings: librdkafkaRunPath
        ),
        .target(
            name: "Shards", dependencies: ["CZstd", "Generation", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings),
        .target(
            name: "Pipeline",
            dependencies: [
                "Kafka", "Shards", "Augmentation", "Generation", "Randomness", "Training", "GGUF", "Tokenization",
                "ModelConversion", "JSON",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Observability",
            dependencies: [
                "Kafka", "Executors",
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ObservabilityTests",
            dependencies: [
                "Observability", "Kafka", "Pipeline", "ThinkStreamTesting",
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        // ARCHITECTURE.md against the sources (reads files only; depends on no module).
        .testTarget(name: "ArchitectureTests", swiftSettings: swiftSettings),
        // Starts and stops the embedded tansu broker (tests, the demo, `thinkstream broker`); not part of the client.
        .target(
            name: "BrokerLauncher", dependencies: ["Kafka", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings),
        .target(
            name: "ThinkStreamTesting", dependencies: ["BrokerLauncher", "Kafka", "Pipeline", "JSON"],
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "ThinkStreamCLI",
            dependencies: [
                "BrokerLauncher", "Kafka", "Pipeline", "Shards", "Generation", "Inference", "GGUF", "Tokenization",
                "ModelConversion", "JSON", "Augmentation", "Observability", "Training", "RemoteGeneration", "Serving",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Configuration", package: "swift-configuration"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "Kafka", "ThinkStreamTesting", "Augmentation", "Shards", "Inference", "GGUF", "Tokenization",
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "ShardsTests", dependencies: ["Shards", "Generation", "Pipeline", "ThinkStreamTesting"],
            swiftSettings: swiftSettings),
        .testTarget(name: "KafkaTests", dependencies: ["Kafka", "ThinkStreamTesting"], swiftSettings: swiftSettings),
        .testTarget(
            name: "TrainServiceTests",
            dependencies: [
                "Pipeline", "Kafka", "Shards", "Generation", "Randomness", "Tensors", "Training", "GGUF",
                "Quantization", "ModelConversion", "ThinkStreamTesting",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PipelineTests",
            dependencies: [
                "Pipeline", "Kafka", "Shards", "Augmentation", "Generation", "Inference", "RemoteGeneration",
                "Tokenization", "ThinkStreamTesting",
            ],
            swiftSettings: swiftSettings
        ),
        .target(name: "GGUF", dependencies: ["Quantization", "Tokenization"], swiftSettings: swiftSettings),
        // GGUF ↔ Llama: the trainer's start model and tokenizer from a GGUF, checkpoints exported to GGUF/safetensors.
        .target(
            name: "ModelConversion", dependencies: ["GGUF", "Quantization", "Tokenization", "Training"],
            swiftSettings: swiftSettings),
        .target(name: "Tokenization", swiftSettings: swiftSettings),
        // A byte-exact JSON parser and writer (object key order kept) for untrusted records; imports nothing.
        .target(name: "JSON", swiftSettings: swiftSettings),
        .testTarget(
            name: "GGUFTests", dependencies: ["GGUF", "Quantization", "ThinkStreamTesting"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "TokenizationTests", dependencies: ["Tokenization", "GGUF", "Inference", "ThinkStreamTesting"],
            swiftSettings: swiftSettings),
        .target(
            name: "CThinkStreamShims",
            cSettings: [.unsafeFlags(["-O3", "-mavx2", "-mfma", "-mf16c", "-ffp-contract=off"])]
        ),
        .target(name: "Quantization", dependencies: ["CThinkStreamShims"], swiftSettings: swiftSettings),
        .testTarget(name: "QuantizationTests", dependencies: ["Quantization"], swiftSettings: swiftSettings),
        .target(name: "Executors", swiftSettings: swiftSettings),
        // The generation contract (requests, results, sampling, the backend protocol): what Augmentation,
        // RemoteGeneration and Serving need, without the CPU engine.
        .target(name: "Generation", swiftSettings: swiftSettings),
        .target(
            name: "Inference",
            dependencies: [
                "Generation", "Randomness", "Tensors", "Quantization", "GGUF", "Tokenization", "Executors",
                "CThinkStreamShims",
            ],
            // The forward pass's loops are optimized in debug builds too, so the golden tests stay fast there.
            swiftSettings: swiftSettings + [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        .testTarget(
            name: "InferenceTests",
            dependencies: [
                "Generation", "Inference", "Randomness", "Executors", "GGUF", "Tokenization", "Quantization",
            ],
            exclude: ["Reference"], swiftSettings: swiftSettings),
        .target(name: "CompletionsAPI", swiftSettings: swiftSettings),
        .target(
            name: "RemoteGeneration", dependencies: ["CompletionsAPI", "Generation", "Tokenization"],
            swiftSettings: swiftSettings),
        .target(
            name: "Serving",
            dependencies: [
                "CompletionsAPI", "Generation", "Inference", "Tokenization", "Observability",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "ServingTests",
            dependencies: [
                "Serving", "RemoteGeneration", "CompletionsAPI", "Generation", "Inference", "Tokenization",
                "Observability",
                "ThinkStreamTesting",
            ],
            swiftSettings: swiftSettings),
        .target(
            name: "Augmentation",
            dependencies: [
                "Generation", "Randomness", "Shards", "Tokenization", .product(name: "Crypto", package: "swift-crypto"),
            ], exclude: ["Resources"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "AugmentationTests",
            dependencies: ["Augmentation", "Shards", "Generation", "Inference", "Tokenization", "GGUF"],
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "DifficultyFeatureDump",
            dependencies: ["Augmentation", "Shards", "Generation", "Inference", "Tokenization", "GGUF"],
            path: "scripts/difficulty/DifficultyFeatureDump", swiftSettings: swiftSettings),
        .executableTarget(
            name: "GeneratorBakeoff",
            dependencies: ["Augmentation", "Shards", "Generation", "Inference", "Tokenization", "GGUF"],
            path: "Benchmarks/generators/GeneratorBakeoff", swiftSettings: swiftSettings),
        .executableTarget(
            name: "InferenceMeasurement",
            dependencies: ["Generation", "Inference", "Tokenization", "Augmentation", "GGUF"],
            path: "Benchmarks/InferenceMeasurement",
            swiftSettings: swiftSettings),
    ]
)
