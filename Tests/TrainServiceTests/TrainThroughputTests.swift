import Foundation
import ModelConversion
import GGUF
import Kafka
import Pipeline
import Shards
import Testing
import ThinkStreamTesting
import Synchronization
import Training

/// Tokens/s through the whole service (consume, pack, train, checkpoint), not a timed test: run with
/// `THINKSTREAM_TRAIN_THROUGHPUT=1 swift test -c release --filter TrainThroughputTests`. Also exercises the GGUF start
/// path on the real SmolLM2-135M file and GGUF export with its tokenizer metadata.
@Suite(
    .serialized, .tags(.integration),
    .enabled(if: ProcessInfo.processInfo.environment["THINKSTREAM_TRAIN_THROUGHPUT"] == "1"))
struct TrainThroughputTests {
    func measure(_ label: String, start: TrainConfiguration.Start, T: Int, B: Int, steps: Int, servers: String) throws
        -> TrainSummary
    {
        let topics = TopicNames(prefix: "thr-\(UUID().uuidString.prefix(6).lowercased())")
        let admin = try KafkaAdmin(
            configuration: .init(bootstrapServers: servers, profile: .embedded), logger: TestLogging.logger)
        _ = try TopicSetup.ensureTopics(topics, partitions: 1, admin: admin)
        let documents = try TrainFixtures.documents("web_docs.jsonl", count: 200, maxBytes: 2000)
        var tokenizer = TrainModelSource.byteTokenizer()
        if case .gguf(let path) = start {
            tokenizer = try TrainModelSource.tokenizer(of: try GGUFFile(path: path))
        }
        let encoder = tokenizer
        let encode: ((String) -> [Int])? = encoder.tokenizer == nil ? nil : { encoder.encode($0) }
        let shards = try TrainFixtures.shards(
            documents, samplesPerShard: 20, tokenizer: tokenizer.names[0], encode: encode)
        try TrainFixtures.produce(
            servers: servers, topic: topics.shards, values: shards.map(\.value), keys: shards.map(\.manifest.shardID))
        let directory = TrainFixtures.temporaryDirectory("train-throughput")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let configuration = TrainConfiguration(
            topics: topics, start: start, contextTokens: T, microBatchSize: B, maxSteps: steps,
            checkpointDirectory: directory, checkpointEverySteps: 1_000_000, checkpointInterval: .seconds(3600))
        let service = try TrainService(
            configuration: configuration, client: .init(bootstrapServers: servers, profile: .embedded),
            logger: TestLogging.logger)
        let started = ContinuousClock.now
        let times = Mutex<[Double]>([])
        let summary = try service.run(isCancelled: { false }) { progress in
            times.withLock { $0.append(progress.tokensPerSecond) }
        }
        let stepRates = times.withLock { $0 }
        let steady = stepRates.dropFirst().sorted()
        print(
            "throughput \(label): T=\(T) B=\(B) steps \(steps): median step \(Int(steady.isEmpty ? 0 : steady[steady.count / 2])) tok/s, whole run incl. start and final checkpoint \(Int(summary.tokensPerSecond)) tok/s over \(summary.seconds)s (wall \(ContinuousClock.now - started)), last loss \(summary.progress.loss)"
        )
        if case .gguf(let path) = start {
            let (checkpoint, startModel) = try TrainExport.loadCheckpoint(directory)
            #expect(startModel == path)
            try TrainExport.writeGGUF(
                checkpoint, to: directory + "/out.gguf", tokenizerSource: try GGUFFile(path: path), f16: true)
            let exported = try GGUFFile(path: directory + "/out.gguf")
            let tokenizer = try TrainModelSource.tokenizer(of: exported)
            #expect(tokenizer.encode("Hello world").count >= 2)
            #expect(tokenizer.eosTokenID == 2)
            #expect(try TrainModelSource.config(of: exported) == .smolLM2_135M)
        }
        return summary
    }

    @Test func tokensPerSecondThroughTheService() async throws {
        try await withBroker { servers in
            let tiny = try measure(
                "tiny fresh", start: .fresh(.tiny, seed: 1), T: 256, B: 8, steps: 30, servers: servers)
            #expect(tiny.progress.step == 30)
            let model = FixturePaths.models.appendingPathComponent("SmolLM2-135M-Instruct.Q4_1.gguf").path
            let smol = try measure(
                "SmolLM2-135M from GGUF (dequantized Q4_1)", start: .gguf(path: model), T: 256, B: 1, steps: 4,
                servers: servers)
            #expect(smol.progress.step == 4)
            // A trained model on real text in its own tokenizer: far below ln(49152) = 10.8 from the first step.
            #expect(smol.losses.allSatisfy { $0.isFinite && $0 < 5 }, "\(smol.losses)")
        }
    }
}
