import CRdKafka

/// Turns librdkafka response codes and error objects into `KafkaError`s, right at each call.
enum RDKafkaErrors {
    /// The error name without its `RD_KAFKA_RESP_ERR_` prefix. Wraps `rd_kafka_err2name`.
    static func name(_ code: rd_kafka_resp_err_t) -> String { String(cString: rd_kafka_err2name(code)) }

    /// Human text. Wraps `rd_kafka_err2str`.
    static func text(_ code: rd_kafka_resp_err_t) -> String { String(cString: rd_kafka_err2str(code)) }

    /// Throws unless `code` is `RD_KAFKA_RESP_ERR_NO_ERROR`.
    static func check(_ code: rd_kafka_resp_err_t, _ operation: String, as kind: KafkaError.Code) throws {
        guard code != RD_KAFKA_RESP_ERR_NO_ERROR else { return }
        throw KafkaError(kind, "\(operation): \(text(code))", librdkafkaError: name(code))
    }

    /// Throws and frees a non-nil `rd_kafka_error_t`.
    static func check(_ error: OpaquePointer?, _ operation: String, as kind: KafkaError.Code) throws {
        guard let error else { return }
        defer { rd_kafka_error_destroy(error) }
        throw KafkaError(
            rd_kafka_error_is_fatal(error) != 0 ? .fatal : kind,
            "\(operation): \(String(cString: rd_kafka_error_string(error)))",
            librdkafkaError: String(cString: rd_kafka_error_name(error)),
            isRetriable: rd_kafka_error_is_retriable(error) != 0,
            requiresAbort: rd_kafka_error_txn_requires_abort(error) != 0
        )
    }
}
