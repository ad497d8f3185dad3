import ArgumentParser
import Foundation
import JSON
import Logging
import Pipeline
import Synchronization

/// `thinkstream eval`: held-out loss and perplexity of a GGUF or a train checkpoint, maths vs general.
struct EvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Mean loss and perplexity of a model on JSONL documents, maths vs general, as train --eval-file.",
        discussion: """
            Only document tokens are scored: each document is [EOS] + its first --max-document-tokens tokens, cut \
            into rows of --context + 1 tokens, so no document sees another. A document is maths when its `domain` \
            or `kind` contains "math" (without those fields, when its `source` or `id` contains "math" or "gsm8k"). \
            The defaults are train's, so `eval --checkpoint DIR` prints the numbers of the `eval step N` line train \
            printed for the checkpoint's step.
            Exit codes: 0 done, 64 usage or unreadable file, model or checkpoint, 70 internal.
            """)

    @Option(help: "A llama-architecture GGUF (dequantized to fp32, as train --model loads it).")
    var model: String?

    @Option(help: "A train checkpoint directory (its newest valid checkpoint) or one .tsck file.")
    var checkpoint: String?

    @Option(help: "JSONL documents: `text`, and `domain`/`kind`/`source`/`id` for the maths-or-general split.")
    var file: String

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    @Option(help: "Positions per row T (default: train's, \(ModelEvaluation.trainDefaults.contextTokens)).")
    var context: Int?

    @Option(help: "Rows per forward pass B (default: train's, \(ModelEvaluation.trainDefaults.microBatchSize)).")
    var microBatch: Int?

    @Option(help: "Documents per domain (default: train's, \(ModelEvaluation.trainDefaults.evaluationMaxDocuments)).")
    var maxDocuments: Int?

    @Option(help: "Tokens kept per document (default: train's, 4 × --context).")
    var maxDocumentTokens: Int?

    @Option(help: "GGUF whose tokenizer to use (default: the model's own; for a checkpoint, its run's start model).")
    var tokenizerModel: String?

    @Flag(help: "Debug logging.")
    var verbose = false

    func validate() throws {
        guard (model == nil) != (checkpoint == nil) else {
            throw ValidationError("give exactly one of --model <gguf> and --checkpoint <dir>")
        }
    }

    func run() async throws {
        let logger = try CommandBootstrap.start(command: "eval", verbose: verbose)
        let defaults = ModelEvaluation.trainDefaults
        let evaluation = ModelEvaluation(
            source: model.map { .gguf(path: $0) } ?? .checkpoint(path: checkpoint!), file: file,
            tokenizerModelPath: tokenizerModel, contextTokens: context ?? defaults.contextTokens,
            microBatchSize: microBatch ?? defaults.microBatchSize,
            maxDocuments: maxDocuments ?? defaults.evaluationMaxDocuments, maxDocumentTokens: maxDocumentTokens)
        let reporter = EvalProgressReporter(logger: logger)
        let summary: ModelEvaluation.Summary
        do {
            summary = try await evaluation.runOnDedicatedThread { reporter.report($0) }
        } catch {
            reporter.finish()
            throw CommandBootstrap.fail(error)
        }
        reporter.finish()
        for message in summary.rejectedCheckpoints {
            logger.warning("eval checkpoint rejected", metadata: ["error.message": "\(message)"])
        }
        logger.info(
            "eval finished",
            metadata: ["eval.source": "\(summary.sourcePath)", "eval.seconds": "\(summary.seconds)"])
        print(json ? Self.json(summary, file: file) : Self.table(summary, file: file))
    }

    static func table(_ summary: ModelEvaluation.Summary, file: String) -> String {
        func row(_ cells: [String]) -> String {
            zip(cells, [-8, 10, 10, 9, 11]).map { cell, width in
                let padding = String(repeating: " ", count: max(0, abs(width) - cell.count))
                return width < 0 ? cell + padding : padding + cell
            }.joined(separator: " ")
        }
        var lines = [
            "source  \(summary.sourcePath)" + (summary.step.map { " (step \($0))" } ?? ""), "file    \(file)",
            row(["domain", "documents", "tokens", "loss", "perplexity"]),
        ]
        for (name, domain) in [("maths", summary.result.maths), ("general", summary.result.general)] {
            guard let domain else {
                lines.append(row([name, "0", "0", "-", "-"]))
                continue
            }
            lines.append(
                row([
                    name, "\(domain.documents)", "\(domain.tokens)", String(format: "%.4f", domain.loss),
                    String(format: "%.2f", domain.perplexity),
                ]))
        }
        return lines.joined(separator: "\n")
    }

    static func json(_ summary: ModelEvaluation.Summary, file: String) -> String {
        func number(_ value: Double) -> JSONValue { value.isFinite ? .number("\(value)") : .null }
        func domain(_ domain: TrainEvaluationResult.Domain?) -> JSONValue {
            guard let domain else { return .null }
            return .object([
                ("documents", .number("\(domain.documents)")), ("tokens", .number("\(domain.tokens)")),
                ("loss", number(domain.loss)), ("perplexity", number(domain.perplexity)),
            ])
        }
        let object = JSONValue.object([
            ("source", .string(summary.sourcePath)), ("step", summary.step.map { JSONValue.number("\($0)") } ?? .null),
            ("file", .string(file)), ("maths", domain(summary.result.maths)),
            ("general", domain(summary.result.general)),
        ])
        return String(decoding: JSONWriter.encode(object), as: UTF8.self)
    }
}

/// `eval`'s progress: a line on a terminal's standard error (rows, tokens/s, ETA), else a JSON log line every 5 s
/// and at the end. Called on the evaluation thread.
final class EvalProgressReporter: Sendable {
    private struct State {
        var line = ProgressLine()
        var lastLog: ContinuousClock.Instant?
    }

    private let logger: Logger
    private let state = Mutex(State())

    init(logger: Logger) { self.logger = logger }

    func report(_ progress: ModelEvaluation.Progress) {
        let done = progress.rowsDone == progress.totalRows
        state.withLock { state in
            if CommandBootstrap.isTerminal {
                state.line.draw(Self.describe(progress), force: done)
                return
            }
            let now = ContinuousClock.now
            guard done || state.lastLog.map({ now - $0 >= .seconds(5) }) ?? true else { return }
            state.lastLog = now
            logger.info(
                "eval progress",
                metadata: [
                    "eval.rows": "\(progress.rowsDone)", "eval.total_rows": "\(progress.totalRows)",
                    "eval.tokens": "\(progress.tokensDone)",
                    "eval.tokens_per_second": "\(Int(progress.tokensPerSecond))",
                ])
        }
    }

    func finish() { state.withLock { $0.line.finish() } }

    static func describe(_ progress: ModelEvaluation.Progress) -> String {
        let fraction = progress.totalRows > 0 ? Double(progress.rowsDone) / Double(progress.totalRows) : 1
        return String(
            format: "eval rows %d/%d  %3.0f%%  %.0f tok/s  ETA %@", progress.rowsDone, progress.totalRows,
            fraction * 100, progress.tokensPerSecond, ProgressLine.duration(progress.remainingSeconds))
    }
}
