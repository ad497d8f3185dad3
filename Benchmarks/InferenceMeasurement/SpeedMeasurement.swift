import Foundation
import Generation
import Inference

/// Prefill, decode and batched-generation throughput, plus resident memory.
struct SpeedMeasurement {
    let engine: InferenceEngine

    func run() async throws {
        let vocabularySize = await engine.hyperparameters!.vocabularySize
        let fileBytes = await engine.modelFileSizeBytes!
        func prompt(_ count: Int, seed: Int) -> [Int] {
            (0..<count).map { 1000 + ($0 * 7919 + seed * 104_729) % (vocabularySize - 2000) }
        }
        // Warm up (page in the weights).
        _ = try await engine.lastLogits(tokens: prompt(64, seed: 0))

        var start = ContinuousClock.now
        _ = try await engine.lastLogits(tokens: prompt(512, seed: 1))
        let prefill = ContinuousClock.now - start
        report(String(format: "pp512: %.1f tokens/s", 512 / prefill.seconds))

        let single = GenerationRequest(
            id: "decode", prompt: .tokens(prompt(16, seed: 2)), maxNewTokens: 128, stopAtEndOfGeneration: false)
        start = ContinuousClock.now
        var firstTokenAt: ContinuousClock.Instant?
        var generated = 0
        for await event in try await engine.generate([single]) {
            if case .token = event {
                generated += 1
                if firstTokenAt == nil { firstTokenAt = ContinuousClock.now }
            }
        }
        let decode = ContinuousClock.now - firstTokenAt!
        report(
            String(
                format: "tg128: %.1f tokens/s (%d tokens after the first)", Double(generated - 1) / decode.seconds,
                generated - 1))

        var peakResident = residentBytes()
        for parallel in [1, 4, 8, 16] {
            let requests = (0..<parallel).map {
                GenerationRequest(
                    id: "b\($0)", prompt: .tokens(prompt(256, seed: 10 + $0)), maxNewTokens: 128,
                    stopAtEndOfGeneration: false)
            }
            start = ContinuousClock.now
            var tokens = 0
            var started: Set<String> = []
            var allDecodingSince: ContinuousClock.Instant?
            var tokensWhileAllDecode = 0
            for await event in try await engine.generate(requests) {
                guard case .token(let id, _, _, _) = event else { continue }
                tokens += 1
                if allDecodingSince != nil { tokensWhileAllDecode += 1 }
                if started.insert(id).inserted, started.count == parallel { allDecodingSince = ContinuousClock.now }
                if tokens % 64 == 0 { peakResident = max(peakResident, residentBytes()) }
            }
            let end = ContinuousClock.now
            let elapsed = end - start
            let generation = end - allDecodingSince!
            report(
                String(
                    format:
                        "batched %2d x (256 + 128): %.1f generation tokens/s (all %d decoding; as llama-batched-bench's S_TG), %.1f generated tokens/s and %.1f total tokens/s with prefill",
                    parallel, Double(tokensWhileAllDecode) / generation.seconds, parallel,
                    Double(tokens) / elapsed.seconds,
                    Double(tokens + parallel * 256) / elapsed.seconds))
        }
        let kvBytesPerSequence = await engine.kvCacheBytes(positions: 256 + 128)
        report(
            String(
                format: "resident peak %.1f MiB; model file %.1f MiB; KV cache for 16 x 384 positions %.1f MiB",
                Double(peakResident) / 1_048_576, Double(fileBytes) / 1_048_576,
                Double(16 * kvBytesPerSequence) / 1_048_576))
    }

    /// Peak resident memory while `parallel` sequences generate, against file + KV cache + 200 MiB.
    func measureMemory(parallel: Int) async throws {
        let vocabularySize = await engine.hyperparameters!.vocabularySize
        let fileBytes = await engine.modelFileSizeBytes!
        let requests = (0..<parallel).map { index in
            GenerationRequest(
                id: "m\(index)",
                prompt: .tokens((0..<256).map { 1000 + ($0 * 7919 + index * 104_729) % (vocabularySize - 2000) }),
                maxNewTokens: 128, stopAtEndOfGeneration: false)
        }
        var peak = residentBytes()
        var tokens = 0
        for await event in try await engine.generate(requests) {
            if case .token = event { tokens += 1 }
            if tokens % 16 == 0 { peak = max(peak, residentBytes()) }
        }
        let kvBytes = parallel * (await engine.kvCacheBytes(positions: 256 + 128))
        let mib = { (bytes: Int) in String(format: "%.1f MiB", Double(bytes) / 1_048_576) }
        report(
            "resident peak \(mib(peak)) with \(parallel) sequences; limit file \(mib(fileBytes)) + KV \(mib(kvBytes)) + 200 MiB = "
                + mib(fileBytes + kvBytes + 200 * 1_048_576))
    }

    /// VmRSS from /proc/self/status.
    func residentBytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return (Int(line.split(separator: " ")[1]) ?? 0) * 1024
        }
        return 0
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
