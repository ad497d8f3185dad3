// GeneratorBakeoff: one generator, one sampling configuration, the fixed stratified bake-off sample of
// ../shared/data (BakeoffSample), one TPT trajectory per document, all documents in one continuous batch.
// Writes one JSON line per trajectory (gate measurements, finish reason, answer recovery, the thinking) and a last
// line with the run's wall and CPU seconds. Benchmarks/generators/run.sh runs it per model; summarize.py tabulates.
//
//   GeneratorBakeoff --model M.gguf --out run.jsonl [--data ../shared/data] [--budget 512]
//       [--max-document-tokens 512] [--template tpt-default] [--template-version 2] [--temperature 0.6] [--top-p 0.9]
//       [--repetition-penalty 1] [--presence-penalty 0] [--frequency-penalty 0] [--penalty-window 256]
//       [--no-repeat-ngram 0] [--label NAME] [--limit N] [--threads 2]
import Augmentation
import Foundation
import GGUF
import Generation
import Inference
import Tokenization

let arguments = Array(CommandLine.arguments.dropFirst())
func option(_ name: String) -> String? {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}
func number<T: LosslessStringConvertible>(_ name: String, _ fallback: T) -> T {
    option(name).flatMap { T($0) } ?? fallback
}

/// User plus system CPU seconds this process has used.
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec)
        + Double(usage.ru_stime.tv_usec) / 1e6
}

struct TrajectoryRecord: Encodable {
    var model, label, id, stratum, level, finishReason: String
    var promptTokens, generatedTokens: Int
    var naturalEnd, capHit, loop, copy, tooShort, accepted: Bool
    var repeatedNGramFraction, copiedNGramFraction: Double
    var answerReached, answerFinalCorrect: Bool?
    var finalAnswer: String?
    var thinking: String
}

struct RunRecord: Encodable {
    var run = true
    var model, label: String
    var documents, budget, maxDocumentTokens, threads: Int
    var template: String
    var sampling: SamplingParameters
    var wallSeconds, cpuSeconds: Double
}

do {
    guard let modelPath = option("--model"), let outputPath = option("--out") else {
        throw BakeoffError("usage: GeneratorBakeoff --model M.gguf --out run.jsonl [options]; see the file header")
    }
    let budget: Int = number("--budget", 512)
    let maxDocumentTokens: Int = number("--max-document-tokens", 512)
    let threads: Int = number("--threads", 2)
    let template = try PromptTemplate.named(
        option("--template") ?? "tpt-default", version: option("--template-version").flatMap { Int($0) })
    let sampling = SamplingParameters(
        temperature: number("--temperature", Float(0.6)), topP: number("--top-p", Float(0.9)),
        repetitionPenalty: number("--repetition-penalty", Float(1)),
        presencePenalty: number("--presence-penalty", Float(0)),
        frequencyPenalty: number("--frequency-penalty", Float(0)),
        penaltyWindowTokens: number("--penalty-window", 256), noRepeatNGramTokens: number("--no-repeat-ngram", 0))
    try sampling.validate()
    var documents = try BakeoffSample.load(directory: option("--data") ?? "../shared/data")
    if let limit = option("--limit").flatMap({ Int($0) }) { documents = Array(documents.prefix(limit)) }
    let modelName = URL(fileURLWithPath: modelPath).deletingPathExtension().lastPathComponent
    let label = option("--label") ?? "\(template.id)-v\(template.version)"

    let engine = InferenceEngine(
        configuration: InferenceConfiguration(
            contextTokens: maxDocumentTokens + budget + 256, maxSequences: 16, threadCount: threads))
    try await engine.load(path: modelPath)
    let tokenizer = await engine.tokenizer!
    let templateText = try GGUFFile(path: modelPath).metadata.string("tokenizer.chat_template")
    let builder = PromptBuilder(
        tokenizer: tokenizer, chatTemplate: ChatTemplate(templateText: templateText, vocabulary: tokenizer.vocabulary),
        maxDocumentTokens: maxDocumentTokens,
        nativeThinkingMode: PromptBuilder.hasNativeThinkingMode(chatTemplateText: templateText))
    let policy = UpsamplingPolicy()
    let gate = TrajectoryGate()
    var requests: [GenerationRequest] = []
    for document in documents {
        let seed = policy.seed(documentID: document.id, trajectoryIndex: 0, attempt: 0)
        let prompt = builder.build(document: document.text, template: template, seed: seed)
        var parameters = sampling
        parameters.seed = seed
        requests.append(
            GenerationRequest(
                id: document.id, prompt: .text(prompt.text), maxNewTokens: budget, sampling: parameters,
                stopStrings: [SampleComposer.thinkingStopString]))
    }
    let startCPU = processCPUSeconds()
    let start = ContinuousClock.now
    var finished: [String: GenerationResult] = [:]
    for await event in try await engine.generate(requests) {
        guard case .finished(let result) = event else { continue }
        finished[result.id] = result
        FileHandle.standardError.write(
            Data("\r\(modelName) \(label): \(finished.count)/\(requests.count) trajectories".utf8))
    }
    let results = requests.compactMap { finished[$0.id] }
    let elapsed = ContinuousClock.now - start
    let cpuSeconds = processCPUSeconds() - startCPU
    FileHandle.standardError.write(Data("\n".utf8))

    FileManager.default.createFile(atPath: outputPath, contents: nil)
    let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    let byID = Dictionary(uniqueKeysWithValues: documents.map { ($0.id, $0) })
    for result in results {
        let document = byID[result.id]!
        let thinking = SampleComposer.cleanedThinking(result.text)
        let promptDocument = builder.truncatedDocument(document.text)
        let measured = gate.measure(thinking: thinking, document: promptDocument)
        let configuration = gate.configuration
        let verdict = gate.evaluate(
            thinking: thinking, document: promptDocument, finishReason: result.finishReason,
            generatedTokens: result.tokens.count)
        var recovery: AnswerRecovery.Outcome?
        if let number = document.referenceNumber {
            recovery = AnswerRecovery(number: number).check(thinking)
        } else if let answer = document.referenceAnswer {
            recovery = AnswerRecovery(answer: answer).check(thinking)
        }
        let record = TrajectoryRecord(
            model: modelName, label: label, id: document.id, stratum: document.stratum, level: document.level,
            finishReason: result.finishReason.rawValue, promptTokens: result.promptTokenCount,
            generatedTokens: result.tokens.count, naturalEnd: result.finishReason != .length,
            capHit: result.finishReason == .length,
            loop: measured.repeatedNGramFraction > configuration.maxRepeatedNGramFraction,
            copy: measured.copiedNGramFraction > configuration.maxCopiedNGramFraction,
            tooShort: result.tokens.count < configuration.minThinkingTokens, accepted: verdict == .accepted,
            repeatedNGramFraction: measured.repeatedNGramFraction, copiedNGramFraction: measured.copiedNGramFraction,
            answerReached: recovery?.reached, answerFinalCorrect: recovery?.finalCorrect,
            finalAnswer: recovery?.finalAnswer, thinking: thinking)
        output.write(try encoder.encode(record) + Data("\n".utf8))
    }
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let run = RunRecord(
        model: modelName, label: label, documents: documents.count, budget: budget,
        maxDocumentTokens: maxDocumentTokens, threads: threads, template: "\(template.id) v\(template.version)",
        sampling: sampling, wallSeconds: seconds, cpuSeconds: cpuSeconds)
    output.write(try encoder.encode(run) + Data("\n".utf8))
    try output.close()
    print(
        String(
            format: "%@ %@: %d trajectories in %.0f s wall, %.0f CPU s", modelName, label, results.count, seconds,
            cpuSeconds))
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(70)
}
