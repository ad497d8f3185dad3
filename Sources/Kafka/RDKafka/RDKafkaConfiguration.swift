import CRdKafka

/// Builds an `rd_kafka_conf_t` from properties; the caller hands it to `rd_kafka_new`, which takes ownership.
enum RDKafkaConfiguration {
    /// - Throws: `KafkaError` `.invalidConfiguration` naming the property librdkafka refused and why (a secret's value
    ///   masked).
    static func make(_ properties: [String: String]) throws -> OpaquePointer {
        let conf = rd_kafka_conf_new()!
        var reason = [CChar](repeating: 0, count: 512)
        for (key, value) in properties.sorted(by: { $0.key < $1.key }) {
            let result = rd_kafka_conf_set(conf, key, value, &reason, reason.count)
            if result != RD_KAFKA_CONF_OK {
                rd_kafka_conf_destroy(conf)
                let why = String(decoding: reason.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                throw KafkaError(
                    .invalidConfiguration,
                    "librdkafka property \(KafkaSecretProperties.describe(key: key, value: value)): \(why)")
            }
        }
        return conf
    }
}
