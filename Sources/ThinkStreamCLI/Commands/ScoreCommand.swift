import ArgumentParser
import Augmentation
import Foundation
import Inference
import Pipeline
import Shards

/// `thinkstream score`: the difficulty scorer and trajectory plan `augment` would apply, on files, without a broker.
struct ScoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Score documents' difficulty and show what augment would plan for them, and what it would cost.",
        discussion: """
            Runs the exact scorer augment uses (the difficulty weights fitted for --model, or the structural weights, \
            with a warning, for a generator without a fit) on JSONL documents (`text`, optional `id`) or text files \
            (one document each). Prints one line per document (id, score, level, planned trajectories × thinking \
            budget) and a summary: level histogram, planned thinking tokens, and the generation time this machine's \
            measured speed predicts (a short prefill and batched-decode probe of the engine, unless --no-probe). \
            Exit codes: 0 done, 64 usage or unreadable input, 70 internal.
            """)

    @Argument(help: "JSONL files (one document per line) or text files (one document each).")
    var files: [String]

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var configFile: ConfigFileOption
    @OptionGroup var method: MethodOptions

    @Option(help: "Field holding the text in JSONL input.")
    var textField = "text"

    @Option(help: "Field holding the id in JSONL input (default: file:line).")
    var idField = "id"

    @Flag(help: "JSON lines: one per document, then one summary object.")
    var json = false

    @Flag(help: "Skip the speed probe (the summary then has no time estimate).")
    var noProbe = false

    func validate() throws { _ = try modelOptions.resolve(configFile.settings([modelOptions])) }

    func run() async throws {
        _ = try CommandBootstrap.start(command: "score", verbose: false)
        do {
            try await score()
        } catch let error as ValidationError {
            throw error
        } catch {
            throw CommandBootstrap.fail(error)
        }
    }

    private func score() async throws {
        let configuration = try method.configuration()
        let documents = try ScoreInput.read(files, textField: textField, idField: idField)
        let model = try modelOptions.resolve(configFile.settings([modelOptions]))
        let modelPath = try model.path(defaultFile: ModelOptions.defaultGeneratorFile)
        let engine = InferenceEngine(
            configuration: .init(contextTokens: model.contextTokens, threadCount: model.threads))
        // The engine loads only when the weights use model features or the probe runs.
        let augmenter = try TPTDocumentAugmenter(
            model: try GeneratorModel(modelPath: modelPath), configuration: configuration, backend: engine)
        if !augmenter.difficultyWeightsFitForGenerator {
            FileHandle.standardError.write(
                Data(
                    ("warning: no difficulty weights were fitted for \(augmenter.generator.modelFile); scoring with the "
                        + "generator-independent structural weights (scripts/difficulty/REPORT.md)\n").utf8))
        }
        if augmenter.scorer.weights.needsModelFeatures || !noProbe { try await engine.load(path: modelPath) }
        var summary = ScoreSummary()
        var progress = ProgressLine()
        let interactive = isatty(STDERR_FILENO) == 1
        let started = ContinuousClock.now
        for (index, document) in documents.enumerated() {
            let scored = try await augmenter.score(document.text)
            let plan = augmenter.plan(for: scored.level)
            let row = ScoredDocument(
                id: document.id, score: scored.score, level: scored.level, trajectories: plan.trajectories,
                maxThinkingTokens: plan.maxThinkingTokens, promptTokens: augmenter.promptTokenCount(for: document.text))
            summary.add(row)
            if json {
                print(try ScoreOutput.jsonLine(row))
            } else {
                print(ScoreOutput.line(row))
            }
            if interactive {
                let seconds = (ContinuousClock.now - started).seconds
                let rate = Double(index + 1) / max(seconds, 1e-9)
                progress.draw(
                    String(
                        format: "scored %d/%d documents, %.1f docs/s, ETA %@", index + 1, documents.count, rate,
                        ProgressLine.duration(Double(documents.count - index - 1) / rate)))
            }
        }
        progress.finish()
        let speed = noProbe ? nil : try await EngineSpeedProbe.measure(engine)
        let report = ScoreReport(
            generator: augmenter.generator.modelFile, weights: augmenter.scorer.weights.generator,
            weightsFitForGenerator: augmenter.difficultyWeightsFitForGenerator, summary: summary, speed: speed)
        if json {
            print(try ScoreOutput.jsonLine(report))
        } else {
            print(ScoreOutput.describe(report))
        }
    }
}
