// A shard archive: the committed records of a shards topic saved to a directory, so an experiment generates once and
// replays the same shards into any broker or topic prefix.
//
// Layout of the directory:
//   NNNNNN-p<partition>-o<offset>.shard   one record's value bytes, exactly as read from the topic (index NNNNNN in
//                                         topic order: partitions ascending, offsets ascending within each)
//   manifest.json                         written last: format version, source topic, and per record its file, source
//                                         partition and offset, key and headers (base64), byte count and sha256
// The transaction header (`thinkstream.txn`) is not kept: a replayed record belongs to no transaction, and a stale
// tag would make a read_committed consumer's `TransactionMarkerFilter` hold it forever.
import Crypto
import Foundation
import Kafka

/// The manifest of a shard archive directory, and reading and writing the directory.
public struct ShardArchive: Sendable, Codable, Equatable {
    /// One saved record.
    public struct Record: Sendable, Codable, Equatable {
        /// File name inside the archive directory.
        public var file: String
        public var partition: Int32
        public var offset: Int64
        /// The record key, base64; `nil` for a record without a key.
        public var keyBase64: String?
        public var headers: [Header]
        public var bytes: Int
        /// sha256 of the value bytes, lowercase hex.
        public var sha256: String
    }

    /// A record header, its value base64.
    public struct Header: Sendable, Codable, Equatable {
        public var name: String
        public var valueBase64: String
    }

    public static let manifestFileName = "manifest.json"
    public static let formatVersion = 1

    public var formatVersion: Int
    /// The topic the records were read from.
    public var topic: String
    public var exportedAt: String
    public var records: [Record]

    /// A record read back from an archive, ready to produce.
    public struct Entry: Sendable {
        public var record: Record
        public var key: [UInt8]?
        public var value: [UInt8]
        public var headers: [KafkaHeader]
    }

    static func sha256Hex(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    /// Writes `messages` (in the order given) and the manifest into `directory`, creating it.
    ///
    /// - Parameters:
    ///   - force: replace the `*.shard` files and manifest of a directory that is not empty; without it such a
    ///     directory is refused.
    /// - Returns: the manifest written.
    /// - Throws: `PipelineError` `.invalidConfiguration` for a non-empty directory without `force`,
    ///   `.unreadableInput` when a file cannot be written.
    @discardableResult
    public static func write(_ messages: [KafkaMessage], topic: String, to directory: String, force: Bool) throws
        -> ShardArchive
    {
        let manager = FileManager.default
        let existing = (try? manager.contentsOfDirectory(atPath: directory)) ?? []
        if !existing.isEmpty {
            guard force else {
                throw PipelineError(
                    .invalidConfiguration,
                    "\(directory): not empty (\(existing.count) entries); choose an empty directory or pass --force to replace its shards"
                )
            }
            for name in existing where name.hasSuffix(".shard") || name == manifestFileName {
                try manager.removeItem(atPath: directory + "/" + name)
            }
        }
        do {
            try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
            var records: [Record] = []
            for (index, message) in messages.enumerated() {
                let file = String(format: "%06d-p%d-o%lld.shard", index, message.partition, message.offset)
                try Data(message.value).write(to: URL(fileURLWithPath: directory + "/" + file))
                let headers = message.headers.filter { $0.name != TransactionMarkerFilter.transactionHeader }
                records.append(
                    Record(
                        file: file, partition: message.partition, offset: message.offset,
                        keyBase64: message.key.map { Data($0).base64EncodedString() },
                        headers: headers.map {
                            Header(name: $0.name, valueBase64: Data($0.value).base64EncodedString())
                        },
                        bytes: message.value.count, sha256: sha256Hex(message.value)))
            }
            let archive = ShardArchive(
                formatVersion: formatVersion, topic: topic, exportedAt: Date().formatted(.iso8601), records: records)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.keyEncodingStrategy = .convertToSnakeCase
            try encoder.encode(archive).write(
                to: URL(fileURLWithPath: directory + "/" + manifestFileName), options: .atomic)
            return archive
        } catch let error as PipelineError {
            throw error
        } catch {
            throw PipelineError(
                .unreadableInput, "\(directory): cannot write the shard archive: \(error)", cause: error)
        }
    }

    /// Reads an archive's manifest and every record it lists, checking each file's size and sha256.
    ///
    /// - Throws: `PipelineError` `.unreadableInput` naming the file when the manifest or a record file is missing,
    ///   unreadable, of another format version, or does not match its size or sha256.
    public static func load(from directory: String) throws -> (archive: ShardArchive, entries: [Entry]) {
        let manifestPath = directory + "/" + manifestFileName
        let archive: ShardArchive
        do {
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            archive = try decoder.decode(ShardArchive.self, from: Data(contentsOf: URL(fileURLWithPath: manifestPath)))
        } catch {
            throw PipelineError(
                .unreadableInput,
                "\(manifestPath): not a shard archive manifest (\(error)); write one with `thinkstream shards export`",
                cause: error)
        }
        guard archive.formatVersion == formatVersion else {
            throw PipelineError(
                .unreadableInput,
                "\(manifestPath): format version \(archive.formatVersion); this thinkstream reads \(formatVersion)")
        }
        let entries = try archive.records.map { record -> Entry in
            let path = directory + "/" + record.file
            guard let data = FileManager.default.contents(atPath: path) else {
                throw PipelineError(
                    .unreadableInput,
                    "\(path): listed in the manifest but missing or unreadable; export the archive again")
            }
            let value = Array(data)
            guard value.count == record.bytes, sha256Hex(value) == record.sha256 else {
                throw PipelineError(
                    .unreadableInput,
                    "\(path): \(value.count) bytes with sha256 \(sha256Hex(value).prefix(12))…, the manifest says \(record.bytes) bytes "
                        + "and \(record.sha256.prefix(12))…; the file changed after export; export the archive again")
            }
            return Entry(
                record: record, key: try record.keyBase64.map { try decodeBase64($0, path: manifestPath) },
                value: value,
                headers: try record.headers.map {
                    KafkaHeader(name: $0.name, value: try decodeBase64($0.valueBase64, path: manifestPath))
                })
        }
        return (archive, entries)
    }

    private static func decodeBase64(_ text: String, path: String) throws -> [UInt8] {
        guard let data = Data(base64Encoded: text) else {
            throw PipelineError(
                .unreadableInput, "\(path): '\(text.prefix(32))' is not base64; export the archive again")
        }
        return Array(data)
    }
}
