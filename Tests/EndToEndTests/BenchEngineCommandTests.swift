import Foundation
import Testing
import ThinkStreamTesting

/// `bench engine` reports batched throughput as llama-batched-bench names it: prompt processing (S_PP), decode only
/// (S_TG) and the whole run (S) apart, so decode throughput is not read off a figure that includes the prefill.
@Suite(.serialized)
struct BenchEngineCommandTests {
    @Test func batchedLinesGiveDecodeOnlyAndWithPrefillThroughputApart() throws {
        let result = try CommandRunner.run(
            [
                "bench", "engine", "--prefill-tokens", "64", "--generate-tokens", "24", "--batch-prompt-tokens", "96",
                "--batches", "1,4", "--repetitions", "1",
            ], timeout: .seconds(300))
        #expect(result.exitCode == 0, "\(result.standardError)")
        let lines = result.standardOutput.split(separator: "\n").filter { $0.hasPrefix("batched") }
        #expect(lines.count == 2, "\(result.standardOutput)")
        for line in lines {
            func figure(after label: String) -> Double? {
                guard let range = line.range(of: label) else { return nil }
                return Double(line[range.upperBound...].prefix { $0.isNumber || $0 == "." })
            }
            let prompt = figure(after: "S_PP ")
            let decode = figure(after: "S_TG ")
            let all = figure(after: "S ")
            let withPrefill = figure(after: "tokens/s; ")
            #expect(prompt.map { $0 > 0 } == true && all.map { $0 > 0 } == true, "\(line)")
            // 96 prompt tokens per 24 generated: the with-prefill rate is well below the decode-only one.
            #expect(
                decode != nil && withPrefill != nil && decode! > withPrefill!,
                "decode only must exceed generated tokens/s with prefill: \(line)")
        }
    }
}
