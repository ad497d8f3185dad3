import Crypto
import Foundation

/// The shard wire format (version 1), the value of one record on the shards topic:
///
/// ```
/// zstd frame (with content checksum) of:
///   line 1:   the manifest, compact JSON, snake_case keys
///   line 2…:  one sample per line, compact JSON, snake_case keys
/// ```
/// The manifest's `checksum` is `sha256:<hex>` of the bytes after the manifest line (all sample lines with their
/// `\n`). JSON Schemas: `schemas/shard-manifest.v1.json` and `schemas/shard-sample.v1.json`.
public enum ShardCodec {
    public static let formatVersion = 1

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .custom { path in SnakeCaseKey(camelCase: path.last!.stringValue) }
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .custom { path in SnakeCaseKey(path.last!.stringValue) }
        return decoder
    }()

    /// Key spelling on the wire: `shardID` ↔ `shard_id`, `tokenIDs` ↔ `token_ids`, `modelSHA256` ↔ `model_sha256`
    /// (Foundation's snake-case strategies split acronyms letter by letter).
    private struct SnakeCaseKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
        init?(stringValue: String) { self.stringValue = stringValue }
        init(camelCase name: String) {
            var result = ""
            var remaining = Substring(name)
            while let first = remaining.first {
                if let acronym = ["IDs", "ID", "SHA256"].first(where: { remaining.hasPrefix($0) }) {
                    result += "_" + acronym.lowercased()
                    remaining = remaining.dropFirst(acronym.count)
                } else {
                    result += first.isUppercase ? "_" + first.lowercased() : String(first)
                    remaining = remaining.dropFirst()
                }
            }
            stringValue = result
        }

        init(_ snake: String) {
            let words = snake.split(separator: "_").enumerated().map { index, word -> String in
                switch word {
                case "id": "ID"
                case "ids": "IDs"
                case "sha256": "SHA256"
                default: index == 0 ? String(word) : word.prefix(1).uppercased() + word.dropFirst()
                }
            }
            stringValue = words.joined()
        }
    }

    /// The sample lines of a shard, and their checksum.
    public static func encodeSamples(_ samples: [ShardSample]) throws -> (bytes: [UInt8], checksum: String) {
        var bytes: [UInt8] = []
        for sample in samples {
            bytes.append(contentsOf: try encoder.encode(sample))
            bytes.append(0x0A)
        }
        return (bytes, checksum(bytes))
    }

    public static func checksum(_ bytes: [UInt8]) -> String {
        "sha256:" + SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    /// Compresses a manifest and the sample lines it describes into one record value.
    public static func encode(manifest: ShardManifest, sampleLines: [UInt8], level: Int32 = 3) throws -> [UInt8] {
        var payload = Array(try encoder.encode(manifest))
        payload.append(0x0A)
        payload.append(contentsOf: sampleLines)
        return try ZstdCompressor.compress(payload, level: level)
    }

    /// The default cap on a shard's decompressed size: 256 MiB, 16× the 16 MiB record limit augment produces with.
    public static let defaultMaxDecompressedBytes = 256 << 20

    /// Decompresses a record value, checks its checksum and decodes manifest and samples.
    /// - Parameters:
    ///   - source: names the record in error messages (`topic[partition]@offset` or a file).
    ///   - maxDecompressedBytes: refuse a record that expands beyond this (a decompression bomb).
    /// - Throws: `ShardsError` `.corruptCompressedData`, `.truncatedCompressedData`, `.decompressedTooLarge`,
    ///   `.malformedShard` or `.checksumMismatch`.
    public static func decode(
        _ value: [UInt8], source: String, maxDecompressedBytes: Int = defaultMaxDecompressedBytes
    ) throws -> (manifest: ShardManifest, samples: [ShardSample]) {
        let payload = try ZstdDecompressor.decompress(value, source: source, maxOutputBytes: maxDecompressedBytes)
        guard let newline = payload.firstIndex(of: 0x0A) else {
            throw ShardsError(.malformedShard, "\(source): no manifest line")
        }
        let manifest: ShardManifest
        do {
            manifest = try decoder.decode(ShardManifest.self, from: Data(payload[..<newline]))
        } catch {
            throw ShardsError(.malformedShard, "\(source): manifest: \(error)")
        }
        guard manifest.formatVersion == formatVersion else {
            throw ShardsError(
                .malformedShard,
                "\(source): shard format version \(manifest.formatVersion); supported: \(formatVersion)")
        }
        let lines = Array(payload[(newline + 1)...])
        let actual = checksum(lines)
        guard actual == manifest.checksum else {
            throw ShardsError(
                .checksumMismatch, "\(source): checksum \(actual) does not match the manifest's \(manifest.checksum)")
        }
        var samples: [ShardSample] = []
        for line in lines.split(separator: 0x0A) where !line.isEmpty {
            do {
                samples.append(try decoder.decode(ShardSample.self, from: Data(line)))
            } catch {
                throw ShardsError(.malformedShard, "\(source): sample \(samples.count + 1): \(error)")
            }
        }
        guard samples.count == manifest.sampleCount else {
            throw ShardsError(
                .malformedShard, "\(source): \(samples.count) samples, manifest says \(manifest.sampleCount)")
        }
        return (manifest, samples)
    }
}
