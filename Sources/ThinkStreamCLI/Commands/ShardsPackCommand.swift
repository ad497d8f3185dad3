import ArgumentParser
import Foundation
import Pipeline
import Shards

/// `thinkstream shards pack`: the rows `train` would train on, from shard files or `shards export` directories.
struct ShardsPackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pack",
        abstract:
            "Print the packed training rows train makes of shard files or `shards export` directories (JSON lines).",
        discussion: """
            Decodes each input in order (a directory in its manifest's order), checks checksums, drops repeated sample \
            ids as train does, and packs with train's packer (SequencePacker): one token stream [EOS] s1 EOS s2 EOS … \
            cut into rows of --context + 1 tokens that overlap by one; the last row is padded with EOS. One JSON object \
            per row: row, tokens (T + 1 ids), kinds (T target kinds: 0 document, 1 thinking, 2 other, 3 padding), \
            completed_sample_ids (samples whose closing EOS is a target of this row). For audits, and the reference the \
            Python loader (python/thinkstream) is tested against.
            Exit codes: 0 printed, 64 usage or an unreadable input, 65 a corrupt shard.
            """)

    @Argument(help: "Shard files (record values) or directories written by `thinkstream shards export`.")
    var inputs: [String]

    @Option(help: "Positions per row T (train's --context).")
    var context: Int = 512

    @Option(help: "End-of-sequence id between samples (train: the start model's tokenizer.ggml.eos_token_id).")
    var eosTokenID: Int

    func run() throws {
        guard context >= 1 else { throw ValidationError("--context \(context): must be at least 1") }
        guard !inputs.isEmpty else { throw ValidationError("give at least one shard file or export directory") }
        do {
            var packer = SequencePacker(contextTokens: context, eosTokenID: eosTokenID)
            var seen = RecentSampleFilter()
            var row = 0
            func emit(padding: Bool) throws {
                while let step = packer.nextStep(rows: 1, padding: padding) {
                    let object: [String: Any] = [
                        "row": row, "tokens": step.rows[0], "kinds": step.kinds.map { Int($0.rawValue) },
                        "completed_sample_ids": step.completedSampleIDs,
                    ]
                    let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
                    print(String(decoding: data, as: UTF8.self))
                    row += 1
                }
            }
            for (value, source) in try records() {
                for sample in try ShardCodec.decode(value, source: source).samples where seen.insert(sample.sampleID) {
                    packer.append(sample)
                }
                try emit(padding: false)
            }
            try emit(padding: true)
        } catch {
            throw CommandBootstrap.fail(error)
        }
    }

    /// Every input's record values in order, each with the name errors use.
    private func records() throws -> [(value: [UInt8], source: String)] {
        var records: [(value: [UInt8], source: String)] = []
        for input in inputs {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory) else {
                throw PipelineError(.unreadableInput, "\(input): no such file or directory")
            }
            if isDirectory.boolValue {
                let (_, entries) = try ShardArchive.load(from: input)
                records += entries.map { ($0.value, "\(input)/\($0.record.file)") }
            } else {
                guard let data = FileManager.default.contents(atPath: input) else {
                    throw PipelineError(.unreadableInput, "\(input): cannot read the file; check its permissions")
                }
                records.append((Array(data), input))
            }
        }
        return records
    }
}
