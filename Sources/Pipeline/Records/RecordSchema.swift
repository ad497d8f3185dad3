import Kafka

/// A schema name and version; every produced message carries it in its `schema` header as `name/version`,
/// matching a JSON Schema file `schemas/<name>.v<version>.json`.
public struct RecordSchema: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var version: Int

    public init(name: String, version: Int) {
        self.name = name
        self.version = version
    }

    public static let rawDocument = RecordSchema(name: "raw-document", version: 1)
    public static let deadLetter = RecordSchema(name: "dead-letter", version: 1)
    /// A shard on the shards topic (manifest line `shard-manifest.v1.json`, sample lines `shard-sample.v1.json`).
    public static let shard = RecordSchema(name: "shard", version: 1)

    public var description: String { "\(name)/\(version)" }
    public var header: KafkaHeader { KafkaHeader(name: "schema", string: description) }
    /// The file under `schemas/` that defines it.
    public var fileName: String { "\(name).v\(version).json" }
}
