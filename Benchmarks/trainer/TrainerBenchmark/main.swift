// Swift side of Benchmarks/trainer: repeats one fp32 training step (forward, backward, clip 1.0, AdamW) and prints
// training tokens/s and peak RSS in the same RESULT line format as pytorch_baseline.py.
// Usage: TrainerBenchmark {tiny|smol} B T STEPS [THREADS]
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Tensors
import Training

let arguments = CommandLine.arguments
guard arguments.count >= 5, let B = Int(arguments[2]), let T = Int(arguments[3]), let steps = Int(arguments[4]) else {
    print("usage: TrainerBenchmark {tiny|smol} B T STEPS [THREADS]")
    exit(64)
}
let name = arguments[1]
let threads = arguments.count > 5 ? Int(arguments[5]) ?? 2 : 2
let config: LlamaConfig = name == "tiny" ? .tiny : .smolLM2_135M
BLAS.setThreadCount(threads)

let model = LlamaModel(config: config, seed: 1)
let optimizer = AdamW(layout: model.layout)
var state: UInt64 = 2
func nextToken(_ state: inout UInt64) -> Int {  // SplitMix64
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return Int((z ^ (z >> 31)) % UInt64(config.vocab))
}
let batch = TokenBatch(rows: (0..<B).map { _ in (0...T).map { _ in nextToken(&state) } })

model.trainStep(microBatches: [batch], optimizer: optimizer, learningRate: 1e-4)  // warm-up: allocations
let clock = ContinuousClock()
var loss: Float = 0
let elapsed = clock.measure {
    for _ in 0..<steps {
        loss = model.trainStep(microBatches: [batch], optimizer: optimizer, learningRate: 1e-4).loss
    }
}
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
var usage = rusage()
getrusage(RUSAGE_SELF.rawValue, &usage)
let tokensPerSecond = Double(steps * B * T) / seconds
print(
    "RESULT impl=swift config=\(name) B=\(B) T=\(T) steps=\(steps) "
        + "tokens_per_s=\((tokensPerSecond * 10).rounded() / 10) s_per_step=\(seconds / Double(steps)) loss=\(loss) "
        + "peak_rss_mib=\(usage.ru_maxrss / 1024) threads=\(BLAS.threadCount)")
