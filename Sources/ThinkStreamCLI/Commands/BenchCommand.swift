import ArgumentParser
import Foundation
import Generation
import Inference
import Pipeline
import Tokenization

/// `thinkstream bench engine`: prefill, decode and batched-generation speed of the local engine.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Measure components.", subcommands: [Engine.self])

    struct Engine: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Prefill and decode tokens/s at batch 1, and aggregate generation tokens/s at several batch sizes.")

        @OptionGroup var modelOptions: ModelOptions
        @OptionGroup var configFile: ConfigFileOption

        @Option(help: "Prompt tokens for the prefill measurement.")
        var prefillTokens = 512

        @Option(help: "Tokens to generate per sequence.")
        var generateTokens = 128

        @Option(help: "Prompt tokens per sequence in the batched runs.")
        var batchPromptTokens = 256

        @Option(help: "Comma-separated batch sizes.")
        var batches = "1,4,8,16"

        @Option(help: "Repetitions of each measurement (best is reported).")
        var repetitions = 2

        func validate() throws {
            _ = try batchSizes()
            _ = try modelOptions.resolve(configFile.settings([modelOptions]))
        }

        /// `--batches` as positive integers.
        func batchSizes() throws -> [Int] {
            let sizes = batches.split(separator: ",", omittingEmptySubsequences: false).map {
                Int($0.trimmingCharacters(in: .whitespaces))
            }
            guard !sizes.isEmpty, sizes.allSatisfy({ ($0 ?? 0) >= 1 }) else {
                throw ValidationError(
                    "--batches '\(batches)': expected comma-separated positive integers, e.g. 1,4,8,16")
            }
            return sizes.compactMap { $0 }
        }

        func run() async throws {
            _ = try CommandBootstrap.start(command: "bench")
            let settings = try configFile.settings([modelOptions])
            let (engine, _, path) = try await modelOptions.loadEngine(settings)
            guard let tokenizer = await engine.tokenizer else { throw ValidationError("the model has no tokenizer") }
            let paragraph = """
                The history of science is the study of how people came to understand the natural world, from early \
                observations of the sky and the seasons to careful experiments that test a hypothesis. \
                Each generation refined the methods of the last: measurement, proof, and the sharing of results.
                """
            var corpus: [Int] = []
            while corpus.count < max(prefillTokens, batchPromptTokens) + 64 {
                corpus += tokenizer.encode(paragraph + " ", addSpecial: false, parseSpecial: false)
            }
            print(
                "model \(URL(fileURLWithPath: path).lastPathComponent), \(try modelOptions.resolve(settings).threads) threads"
            )
            let prefill = try await best {
                try await timed(engine, prompts: [Array(corpus.prefix(prefillTokens))], generate: 1)
            }
            print(String(format: "prefill  pp%d: %.1f tokens/s", prefillTokens, Double(prefillTokens) / prefill))
            let decodeOnly = try await best {
                try await timed(engine, prompts: [Array(corpus.prefix(16))], generate: generateTokens)
            }
            print(String(format: "decode   tg%d: %.1f tokens/s", generateTokens, Double(generateTokens) / decodeOnly))
            for batch in try batchSizes() {
                let prompts = (0..<batch).map { Array(corpus[$0..<($0 + batchPromptTokens)]) }
                var fastest: BatchedTiming?
                for _ in 0..<max(repetitions, 1) {
                    let timing = try await batched(engine, prompts: prompts, generate: generateTokens)
                    if timing.total < fastest?.total ?? .infinity { fastest = timing }
                }
                guard let timing = fastest else { continue }
                // Named as llama-batched-bench names them: S_PP prompt tokens/s until every sequence has its first
                // token, S_TG generated tokens/s after that (decode only), S all tokens over the whole run.
                print(
                    String(
                        format:
                            "batched  %2d sequences (prompt %d, generate %d): S_PP %.1f, S_TG %.1f (decode only), "
                            + "S %.1f tokens/s; %.1f generated tokens/s with prefill",
                        batch, batchPromptTokens, generateTokens,
                        Double(batch * batchPromptTokens) / timing.untilEveryFirstToken,
                        Double(timing.decodedAfterward) / max(timing.total - timing.untilEveryFirstToken, 1e-9),
                        Double(batch * (batchPromptTokens + generateTokens)) / timing.total,
                        Double(batch * generateTokens) / timing.total))
            }
        }

        /// One batched run: seconds until every sequence had its first token (the prefill phase), seconds in all,
        /// and the tokens generated after the prefill phase.
        private struct BatchedTiming {
            var untilEveryFirstToken: Double
            var total: Double
            var decodedAfterward: Int
        }

        private func batched(_ engine: InferenceEngine, prompts: [[Int]], generate: Int) async throws -> BatchedTiming {
            let requests = prompts.enumerated().map { index, tokens in
                GenerationRequest(
                    id: "\(index)", prompt: .tokens(tokens), maxNewTokens: generate, stopAtEndOfGeneration: false)
            }
            let started = ContinuousClock.now
            var withFirstToken: Set<String> = []
            var generated = 0
            var boundary: (seconds: Double, generated: Int)?
            for await event in try await engine.generate(requests) {
                guard case .token(let requestID, _, _, _) = event else { continue }
                generated += 1
                withFirstToken.insert(requestID)
                if boundary == nil, withFirstToken.count == requests.count {
                    boundary = ((ContinuousClock.now - started).seconds, generated)
                }
            }
            let total = (ContinuousClock.now - started).seconds
            let phase = boundary ?? (total, generated)
            return BatchedTiming(
                untilEveryFirstToken: phase.seconds, total: total, decodedAfterward: generated - phase.generated)
        }

        private func best(_ measure: () async throws -> Double) async throws -> Double {
            var best = Double.infinity
            for _ in 0..<max(repetitions, 1) { best = min(best, try await measure()) }
            return best
        }

        private func timed(_ engine: InferenceEngine, prompts: [[Int]], generate: Int) async throws -> Double {
            let requests = prompts.enumerated().map { index, tokens in
                GenerationRequest(
                    id: "\(index)", prompt: .tokens(tokens), maxNewTokens: generate, stopAtEndOfGeneration: false)
            }
            let started = ContinuousClock.now
            _ = try await engine.generateAll(requests)
            return (ContinuousClock.now - started).seconds
        }
    }
}
