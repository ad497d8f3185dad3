import Kafka

extension KafkaTopicPartition {
    /// The form a training checkpoint stores resume positions under: `topic/partition`.
    var checkpointKey: String { "\(topic)/\(partition)" }

    /// Reads a ``checkpointKey``; nil for any other string (the partition is after the last `/`).
    init?(checkpointKey key: String) {
        guard let slash = key.lastIndex(of: "/"), slash != key.startIndex,
            let partition = Int32(key[key.index(after: slash)...]), partition >= 0
        else { return nil }
        self.init(topic: String(key[..<slash]), partition: partition)
    }
}
