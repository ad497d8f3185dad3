import Foundation
import JSON
import ModelConversion
import GGUF
import Kafka
import Pipeline
import Randomness
import Shards
import Testing
import ThinkStreamTesting
import Training

/// `thinkstream eval` against `TrainEvaluationSet.evaluate`, the arithmetic `train --eval-file` uses: the numbers of
/// the `eval step N` line a `train --fresh tiny` run printed, the SmolLM2 GGUF's per-domain loss, the tokenizer of a
/// checkpoint whose start GGUF moved, and the bad-line and usage errors.
@Suite(.serialized)
struct EvalCommandTests {
    /// Relative tolerance between the CLI's numbers and the same evaluation in this process: the same arithmetic, but
    /// sgemm may split its sums differently here (other suites in this process change OpenBLAS's thread count), so
    /// float32 rounding differs by ~1e-7 relative; a wrong evaluation is off by far more.
    static let relativeTolerance = 1e-6

    /// `count` maths (gsm8k, maths by id) and then `count` general (fineweb) records of the shared corpora.
    static func writeHeldOut(_ path: String, count: Int) throws {
        func lines(_ file: String) throws -> [Substring] {
            let url = FixturePaths.dataDirectory.appendingPathComponent(file)
            return try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        }
        let records = try lines("gsm8k_test.jsonl").prefix(count) + lines("fineweb_edu_excerpts.jsonl").suffix(count)
        try (records.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// The one JSON object `eval --json` printed.
    static func parseOutput(_ result: CommandRunner.Result) throws -> JSONValue {
        let line = try #require(
            result.standardOutput.split(separator: "\n").last, "no output; stderr: \(result.standardError)")
        return try JSONParser.parse(Array(line.utf8))
    }

    static func double(_ value: JSONValue?) -> Double? {
        guard case .number(let text) = value else { return nil }
        return Double(text)
    }

    /// Expects the CLI's domain object to hold the in-process result.
    static func expectSame(_ json: JSONValue?, _ domain: TrainEvaluationResult.Domain?, _ name: String) throws {
        let domain = try #require(domain, "\(name) missing in process")
        let json = try #require(json, "\(name) missing in the CLI output")
        #expect(double(json["documents"]) == Double(domain.documents))
        #expect(double(json["tokens"]) == Double(domain.tokens))
        let loss = try #require(double(json["loss"]))
        #expect(
            abs(loss - domain.loss) <= relativeTolerance * abs(domain.loss),
            "\(name): CLI \(loss), in process \(domain.loss)")
        #expect(abs(double(json["perplexity"])! - domain.perplexity) <= relativeTolerance * domain.perplexity)
    }

    /// The `eval step N ...` line train prints (`TrainRunCommand.describe`), rebuilt from `eval --json`'s numbers.
    static func trainLine(step: Int, _ json: JSONValue) -> String {
        var text = "eval step \(step)"
        for name in ["maths", "general"] {
            guard let domain = json[name], let loss = double(domain["loss"]) else { continue }
            let (documents, tokens) = (Int(double(domain["documents"])!), Int(double(domain["tokens"])!))
            text += String(
                format: " %@ loss %.4f ppl %.2f (%d docs, %d tokens)", name, loss, exp(loss), documents, tokens)
        }
        return text
    }

    @Test(.tags(.integration)) func checkpointOfATrainRunGivesTheNumbersTrainPrintedForThatStep() async throws {
        try await withBroker { servers in
            let prefix = "evc-\(UUID().uuidString.prefix(6).lowercased())"
            let topics = TopicNames(prefix: prefix)
            let admin = try KafkaAdmin(
                configuration: .init(bootstrapServers: servers, profile: .embedded), logger: TestLogging.logger)
            _ = try TopicSetup.ensureTopics(topics, partitions: 1, admin: admin)
            let documents =
                try TrainFixtures.documents("fineweb_edu_excerpts.jsonl", count: 30, maxBytes: 600)
                + TrainFixtures.documents("math_train_sample.jsonl", count: 30, maxBytes: 400)
            let shards = try TrainFixtures.shards(documents, samplesPerShard: 10)
            try TrainFixtures.produce(
                servers: servers, topic: topics.shards, values: shards.map(\.value),
                keys: shards.map(\.manifest.shardID))
            let directory = TrainFixtures.temporaryDirectory("eval-train")
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let heldOut = directory + "/heldout.jsonl"
            try Self.writeHeldOut(heldOut, count: 6)

            // train at its defaults for context (256), micro-batch (4) and evaluation limits; eval at its defaults.
            let steps = 6
            let train = try CommandRunner.run(
                [
                    "train", "--bootstrap-servers", servers, "--topic-prefix", prefix, "--fresh", "tiny", "--seed", "3",
                    "--max-steps", "\(steps)", "--checkpoint-dir", directory + "/checkpoints", "--eval-file", heldOut,
                    "--eval-every", "\(steps)", "--checkpoint-every", "\(steps)", "--stop-when-idle", "10",
                    "--log-every", "1000", "--learning-rate", "3e-3", "--warmup-steps", "2", "--partitions", "1",
                    "--group-id", "eval-\(prefix)",
                ], timeout: .seconds(180))
            #expect(train.exitCode == 0, "\(train.standardError)")
            let printed = try #require(
                train.standardOutput.split(separator: "\n").first { $0.hasPrefix("eval step \(steps) ") },
                "\(train.standardOutput)")

            let checkpoints = directory + "/checkpoints"
            let eval = try CommandRunner.run(["eval", "--checkpoint", checkpoints, "--file", heldOut, "--json"])
            #expect(eval.exitCode == 0, "\(eval.standardError)")
            let json = try Self.parseOutput(eval)
            #expect(json["step"] == .number("\(steps)"))
            #expect(json["source"]?.stringValue == checkpoints + "/" + CheckpointStore.fileName(step: steps))
            #expect(json["file"]?.stringValue == heldOut)

            let loaded = try #require(try CheckpointStore(directory: checkpoints).loadNewestValid())
            let set = try TrainEvaluationSet(
                path: heldOut, tokenizer: TrainModelSource.byteTokenizer(), maxDocuments: 64, maxTokens: 4 * 256)
            let model = loaded.checkpoint.restore().model
            let expected = set.evaluate(model: model, step: steps, B: 4, T: 256, eosTokenID: 0)
            try Self.expectSame(json["maths"], expected.maths, "maths")
            try Self.expectSame(json["general"], expected.general, "general")
            #expect(expected.maths?.documents == 6 && expected.general?.documents == 6)
            #expect(String(printed) == Self.trainLine(step: steps, json), "train printed: \(printed)")
            print("eval --checkpoint: \(eval.standardOutput.split(separator: "\n").last ?? ""); train: \(printed)")

            let table = try CommandRunner.run(["eval", "--checkpoint", checkpoints, "--file", heldOut])
            #expect(table.exitCode == 0, "\(table.standardError)")
            let mathsRow = try #require(table.standardOutput.split(separator: "\n").first { $0.hasPrefix("maths ") })
            let maths = try #require(expected.maths)
            let cells = [
                "maths", "6", "\(maths.tokens)", String(format: "%.4f", maths.loss),
                String(format: "%.2f", maths.perplexity),
            ]
            #expect(mathsRow.split(separator: " ").map(String.init) == cells)
        }
    }

    @Test func smolLM2GGUFGivesFinitePerDomainLossesEqualToTheInProcessEvaluation() throws {
        let model = try ModelFixtures.modelPath("SmolLM2-135M-Instruct.Q4_1")
        let directory = TrainFixtures.temporaryDirectory("eval-gguf")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let heldOut = directory + "/heldout.jsonl"
        try Self.writeHeldOut(heldOut, count: 3)
        let eval = try CommandRunner.run(
            [
                "eval", "--model", model, "--file", heldOut, "--json", "--context", "64", "--micro-batch", "3",
                "--max-document-tokens", "64",
            ], timeout: .seconds(300))
        #expect(eval.exitCode == 0, "\(eval.standardError)")
        let json = try Self.parseOutput(eval)
        #expect(json["source"]?.stringValue == model && json["step"] == .null)
        for name in ["maths", "general"] {
            #expect(Self.double(json[name]?["documents"]) == 3)
            let tokens = try #require(Self.double(json[name]?["tokens"]))
            #expect(tokens > 3 * 30 && tokens <= 3 * 64)
            let loss = try #require(Self.double(json[name]?["loss"]))
            #expect(loss.isFinite && loss > 0.5 && loss < 8, "\(name) loss \(loss)")
        }

        let file = try GGUFFile(path: model)
        let tokenizer = try TrainModelSource.tokenizer(of: file)
        let set = try TrainEvaluationSet(path: heldOut, tokenizer: tokenizer, maxDocuments: 64, maxTokens: 64)
        let expected = set.evaluate(
            model: try TrainModelSource.loadModel(from: file), step: 0, B: 3, T: 64, eosTokenID: tokenizer.eosTokenID)
        try Self.expectSame(json["maths"], expected.maths, "maths")
        try Self.expectSame(json["general"], expected.general, "general")
        print("eval --model SmolLM2: \(eval.standardOutput.split(separator: "\n").last ?? "")")
    }

    /// A run started from a GGUF records its path; once the file has moved, eval names `--tokenizer-model`, and with
    /// it gives the numbers it gave before the move.
    @Test(.tags(.integration)) func checkpointOfAGGUFStartedRunNeedsTheTokenizerModelOnceTheGGUFMoved() async throws {
        try await withBroker { servers in
            let topics = TopicNames(prefix: "evg-\(UUID().uuidString.prefix(6).lowercased())")
            let admin = try KafkaAdmin(
                configuration: .init(bootstrapServers: servers, profile: .embedded), logger: TestLogging.logger)
            _ = try TopicSetup.ensureTopics(topics, partitions: 1, admin: admin)
            let directory = TrainFixtures.temporaryDirectory("eval-moved")
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let start = directory + "/start.gguf"
            let initial = TrainingCheckpoint(
                model: LlamaModel(config: .tiny, seed: 5), optimizer: AdamW(layout: ParameterLayout(config: .tiny)),
                step: 0, random: SplitMix64(seed: 1))
            try TrainExport.writeGGUF(initial, to: start, tokenizerSource: nil, f16: false)  // byte vocabulary, EOS 0
            let documents = try TrainFixtures.documents("fineweb_edu_excerpts.jsonl", count: 12, maxBytes: 300)
            let shards = try TrainFixtures.shards(documents, samplesPerShard: 6, tokenizer: "thinkstream-fresh")
            try TrainFixtures.produce(
                servers: servers, topic: topics.shards, values: shards.map(\.value),
                keys: shards.map(\.manifest.shardID))
            let configuration = TrainConfiguration(
                topics: topics, groupID: "eval-moved", start: .gguf(path: start), contextTokens: 32, microBatchSize: 2,
                maxSteps: 3, checkpointDirectory: directory + "/checkpoints", checkpointEverySteps: 3,
                stopWhenIdle: .seconds(5))
            let service = try TrainService(
                configuration: configuration, client: .init(bootstrapServers: servers, profile: .embedded),
                logger: TestLogging.logger)
            let summary = try await service.runOnDedicatedThread(isCancelled: { false })
            #expect(summary.progress.step == 3)

            let heldOut = directory + "/heldout.jsonl"
            try Self.writeHeldOut(heldOut, count: 2)
            let arguments = ["eval", "--checkpoint", directory + "/checkpoints", "--file", heldOut, "--json"]
            let before = try CommandRunner.run(arguments)
            #expect(before.exitCode == 0, "\(before.standardError)")
            let moved = directory + "/moved.gguf"
            try FileManager.default.moveItem(atPath: start, toPath: moved)
            let missing = try CommandRunner.run(arguments)
            #expect(missing.exitCode == 64)
            #expect(
                missing.standardError.contains("started from \(start)")
                    && missing.standardError.contains("--tokenizer-model"),
                "\(missing.standardError)")
            let after = try CommandRunner.run(arguments + ["--tokenizer-model", moved])
            #expect(after.exitCode == 0, "\(after.standardError)")
            let json = try Self.parseOutput(after)
            let beforeJSON = try Self.parseOutput(before)
            #expect(json["maths"] == beforeJSON["maths"] && json["general"] == beforeJSON["general"])

            let tokenizer = try TrainModelSource.tokenizer(of: try GGUFFile(path: moved))
            let set = try TrainEvaluationSet(path: heldOut, tokenizer: tokenizer, maxDocuments: 64, maxTokens: 1024)
            let stored = try #require(try CheckpointStore(directory: directory + "/checkpoints").loadNewestValid())
            let expected = set.evaluate(model: stored.checkpoint.restore().model, step: 3, B: 4, T: 256, eosTokenID: 0)
            try Self.expectSame(json["maths"], expected.maths, "maths")
            try Self.expectSame(json["general"], expected.general, "general")
        }
    }

    @Test func badLineExitsWith64NamingFileAndLineAndUsageErrorsAreRefused() throws {
        let directory = TrainFixtures.temporaryDirectory("eval-bad")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let checkpoints = directory + "/checkpoints"
        let model = LlamaModel(config: .tiny, seed: 3)
        try CheckpointStore(directory: checkpoints).save(
            TrainingCheckpoint(
                model: model, optimizer: AdamW(layout: model.layout), step: 4, random: SplitMix64(seed: 1)))
        let good =
            #"{"id": "gsm8k-1", "text": "Two plus two is four."}"# + "\n\n"
            + #"{"id": "web-1", "text": "Rain fell all day."}"# + "\n"
        try good.write(toFile: directory + "/good.jsonl", atomically: true, encoding: .utf8)
        try (good + #"{"text": "an unterminated"# + "\n").write(
            toFile: directory + "/bad.jsonl", atomically: true, encoding: .utf8)

        // A checkpoint without trainer state and with a 256-token vocabulary is read with the byte tokenizer.
        let eval = try CommandRunner.run([
            "eval", "--checkpoint", checkpoints, "--file", directory + "/good.jsonl", "--json",
        ])
        #expect(eval.exitCode == 0, "\(eval.standardError)")
        let set = try TrainEvaluationSet(
            path: directory + "/good.jsonl", tokenizer: TrainModelSource.byteTokenizer(), maxDocuments: 64,
            maxTokens: 1024)
        let expected = set.evaluate(model: model, step: 4, B: 4, T: 256, eosTokenID: 0)
        let json = try Self.parseOutput(eval)
        try Self.expectSame(json["maths"], expected.maths, "maths")
        try Self.expectSame(json["general"], expected.general, "general")
        #expect(expected.maths?.tokens == "Two plus two is four.".utf8.count)

        // Line 2 is empty; the broken record is line 4 of the file.
        let bad = try CommandRunner.run(["eval", "--checkpoint", checkpoints, "--file", directory + "/bad.jsonl"])
        #expect(bad.exitCode == 64)
        #expect(bad.standardError.contains("error: \(directory)/bad.jsonl:4: "), "\(bad.standardError)")
        let absent = try CommandRunner.run(["eval", "--checkpoint", checkpoints, "--file", directory + "/absent.jsonl"])
        #expect(absent.exitCode == 64)
        #expect(absent.standardError.contains("\(directory)/absent.jsonl: cannot read"), "\(absent.standardError)")
        let noCheckpoint = try CommandRunner.run([
            "eval", "--checkpoint", directory + "/none", "--file", directory + "/good.jsonl",
        ])
        #expect(noCheckpoint.exitCode == 64 && noCheckpoint.standardError.contains("\(directory)/none"))

        for sources in [[], ["--model", "m.gguf", "--checkpoint", checkpoints]] {
            let usage = try CommandRunner.run(["eval", "--file", directory + "/good.jsonl"] + sources)
            #expect(usage.exitCode == 64)
            #expect(
                usage.standardError.contains("give exactly one of --model <gguf> and --checkpoint <dir>"),
                "\(usage.standardError)")
        }
    }
}
