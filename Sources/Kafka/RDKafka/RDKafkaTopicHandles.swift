import CRdKafka

/// Owns the `rd_kafka_topic_t` handles a producer creates, one per topic name, and keeps their client alive until they
/// are freed (in `removeAll()` or `deinit`). Not synchronized: its owner serializes every call.
final class RDKafkaTopicHandles {
    private let client: RDKafkaClient
    private var handles: [String: OpaquePointer] = [:]

    init(client: RDKafkaClient) { self.client = client }

    deinit { removeAll() }

    /// The handle of topic `name`, created on first use. Wraps `rd_kafka_topic_new`.
    func handle(_ name: String) -> OpaquePointer {
        if let existing = handles[name] { return existing }
        let created = rd_kafka_topic_new(client.handle, name, nil)!
        handles[name] = created
        return created
    }

    /// Frees every handle; a later `handle(_:)` creates a new one. Wraps `rd_kafka_topic_destroy`.
    func removeAll() {
        for handle in handles.values { rd_kafka_topic_destroy(handle) }
        handles = [:]
    }
}
