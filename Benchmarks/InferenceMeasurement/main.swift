// Measures the engine in release builds: `swift run -c release InferenceMeasurement <command> <model.gguf> ...`.
//   speed <model>         prefill 512 tokens, decode 128 tokens at batch 1, aggregate tokens/s at 4/8/16 sequences
//                         (prompt 256, generate 128 each), resident memory while generating
//   perplexity <model> <text file> [chunks]
//   memory <model> <sequences>   resident memory while generating (prompt 256, generate 128 each)
//   decode <model> <sequences> [prompt tokens] [sampled]  profiling aid: mostly decode (256 new tokens each)
//   tpt-baseline <model> <corpus.jsonl> <max thinking tokens>  the bare engine on augment's prompts (TPT
//                         template, T 0.6, top-p 0.9, stop </think>), every document at once, as `augment` runs them
//   logits <model> <comma-separated token ids>   top-10 last-position logits
import Foundation
import Generation
import Inference
import Tokenization

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    report("usage: InferenceMeasurement speed|perplexity|logits <model.gguf> [...]")
    exit(64)
}
let engine = InferenceEngine(
    configuration: InferenceConfiguration(
        contextTokens: arguments[1] == "tpt-baseline" ? 4096 : 1024, maxSequences: 16, maxBatchTokens: 512))
try await engine.load(path: arguments[2])

switch arguments[1] {
case "logits":
    let tokens = arguments[3].split(separator: ",").map { Int($0)! }
    let logits = try await engine.lastLogits(tokens: tokens)
    let top = logits.enumerated().sorted { $0.element > $1.element }.prefix(10)
    report(top.map { "\($0.offset):\($0.element)" }.joined(separator: " "))
case "perplexity":
    let text = try String(contentsOfFile: arguments[3], encoding: .utf8)
    let tokenizer = await engine.tokenizer!
    let tokens = tokenizer.encode(text, addSpecial: true, parseSpecial: false)
    let chunks = arguments.count > 4 ? Int(arguments[4]) : nil
    let start = ContinuousClock.now
    let result = try await engine.perplexity(tokens: tokens, context: 512, maxChunks: chunks)
    report(
        "perplexity \(result.perplexity) over \(result.chunkCount) chunks (\(result.scoredTokenCount) tokens) "
            + "in \(ContinuousClock.now - start)")
case "memory":
    try await SpeedMeasurement(engine: engine).measureMemory(parallel: Int(arguments[3]) ?? 8)
case "decode":  // profiling aid: `parallel` sequences of `promptTokens` (16) prompt tokens generating 256 each
    let parallel = Int(arguments[3]) ?? 1
    let promptTokens = arguments.count > 4 ? Int(arguments[4])! : 16
    let sampled = arguments.count > 5 && arguments[5] == "sampled"  // the augmenter's T 0.6, top-p 0.9
    let vocabularySize = await engine.hyperparameters!.vocabularySize
    var requests: [GenerationRequest] = []
    for index in 0..<parallel {
        let tokens: [Int] = (0..<promptTokens).map { 1000 + ($0 * 7919 + index * 104_729) % (vocabularySize - 2000) }
        let sampling =
            sampled ? SamplingParameters(temperature: 0.6, topP: 0.9, seed: UInt64(index)) : SamplingParameters()
        requests.append(
            GenerationRequest(
                id: "d\(index)", prompt: .tokens(tokens), maxNewTokens: 256, sampling: sampling,
                stopAtEndOfGeneration: false))
    }
    let start = ContinuousClock.now
    let results = try await engine.generateAll(requests)
    let tokens = results.reduce(0) { $0 + $1.tokens.count }
    report("decode: \(tokens) tokens over \(parallel) sequences in \(ContinuousClock.now - start)")
case "tpt-baseline":
    try await TPTBaseline(engine: engine, modelPath: arguments[2]).run(
        corpus: arguments[3], maxThinkingTokens: Int(arguments[4]) ?? 256)
case "speed":
    try await SpeedMeasurement(engine: engine).run()
default:
    report("unknown command \(arguments[1])")
    exit(64)
}

/// Writes a line to standard output unbuffered, so partial results survive a timeout.
func report(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
