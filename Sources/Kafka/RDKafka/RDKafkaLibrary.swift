import CRdKafka
import Glibc

/// The librdkafka build this process loaded, and the check that refuses one older than 2.2.
///
/// Debian 12 ships librdkafka 2.0.2, which mis-skips KIP-482 tagged fields (fixed in 2.2.0, librdkafka PR #4278)
/// and fails against modern brokers with "ApiVersionRequest failed: Local: Read underflow". The binary is linked
/// with a run path that prefers `.deps/lib/librdkafka.so.1` (which `make` points at the confluent-kafka wheel's
/// librdkafka 2.16), then `../lib/thinkstream` beside the binary, then the system library.
public enum RDKafkaLibrary {
    /// The oldest librdkafka this project accepts, as `rd_kafka_version()` encodes it (0xMMmmrrxx).
    public static let minimumVersion: Int32 = 0x0202_00ff
    public static let minimumVersionString = "2.2.0"

    /// The loaded library's version string, as `rd_kafka_version_str()` returns it. Wraps `rd_kafka_version_str`.
    public static var versionString: String { String(cString: rd_kafka_version_str()) }

    /// The loaded library's version number. Wraps `rd_kafka_version`.
    public static var version: Int32 { rd_kafka_version() }

    /// Whether the loaded librdkafka knows `property` (probed on a throw-away configuration). Wraps `rd_kafka_conf_set`.
    static func knowsProperty(_ property: String, value: String) -> Bool {
        guard let conf = rd_kafka_conf_new() else { return false }
        defer { rd_kafka_conf_destroy(conf) }
        var reason = [CChar](repeating: 0, count: 256)
        return rd_kafka_conf_set(conf, property, value, &reason, reason.count) == RD_KAFKA_CONF_OK
    }

    /// Whether this librdkafka has KIP-899 re-bootstrapping (`metadata.recovery.strategy`, librdkafka 2.6 and newer).
    static let hasMetadataRecoveryStrategy = knowsProperty("metadata.recovery.strategy", value: "none")

    /// The path of the shared object the dynamic loader chose for librdkafka, when it can tell.
    /// Read from `/proc/self/maps`, so it names the file even when a link (`.deps/lib/librdkafka.so.1`) led to it.
    public static var loadedPath: String? {
        _ = rd_kafka_version()
        guard let maps = fopen("/proc/self/maps", "r") else { return nil }
        defer { fclose(maps) }
        var line = [CChar](repeating: 0, count: 4096)
        while fgets(&line, Int32(line.count), maps) != nil {
            let text = String(
                decoding: line.prefix { $0 != 0 && $0 != 10 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if text.contains("librdkafka"), let slash = text.firstIndex(of: "/") { return String(text[slash...]) }
        }
        return nil
    }

    /// Throws unless the loaded librdkafka is 2.2.0 or newer, naming the version found, where it came from, and the fix.
    /// - Throws: `KafkaError` with code `.unsupportedLibrary`.
    public static func requireSupportedVersion() throws {
        guard version < minimumVersion else { return }
        throw KafkaError(
            .unsupportedLibrary,
            "librdkafka \(versionString) is loaded (\(loadedPath ?? "unknown path")), but ThinkStream needs "
                + "librdkafka \(minimumVersionString) or newer: older builds cannot talk to modern brokers "
                + "(KIP-482 tagged fields, librdkafka PR #4278). Run `make` to install the confluent-kafka wheel's "
                + "librdkafka into .deps/lib, or put a librdkafka.so.1 of version ≥ \(minimumVersionString) "
                + "on LD_LIBRARY_PATH."
        )
    }
}
