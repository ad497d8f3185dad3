import BrokerLauncher
import Foundation
import Kafka
import Testing
import ThinkStreamTesting

@Suite struct SecuritySettingsTests {
    @Test func saslOverTLSMapsToLibrdkafkaProperties() {
        let security = KafkaSecurity(
            sasl: (.scramSHA512, "ingest", "s3cret"), tls: true, caLocation: "/etc/ca.pem", verifyHostName: false)
        #expect(
            security.properties == [
                "security.protocol": "sasl_ssl", "sasl.mechanisms": "SCRAM-SHA-512", "sasl.username": "ingest",
                "sasl.password": "s3cret", "ssl.ca.location": "/etc/ca.pem",
                "ssl.endpoint.identification.algorithm": "none",
            ])
        #expect(KafkaSecurity(sasl: (.plain, "u", "p")).properties["security.protocol"] == "sasl_plaintext")
        #expect(KafkaSecurity.plaintext.properties == ["security.protocol": "plaintext"])
    }
}

/// The client's TLS settings against the embedded broker behind a socat TLS terminator (tansu cannot serve TLS
/// itself): the broker advertises the terminator's port, so every connection goes through TLS.
@Suite(.serialized, .tags(.integration))
struct TLSTests {
    @Test func clientVerifiesTheBrokerCertificateAndRoundTripsOverTLS() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tls-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let certificate = folder.appendingPathComponent("cert.pem").path
        let key = folder.appendingPathComponent("key.pem").path
        #expect(
            try run(
                "/usr/bin/openssl",
                [
                    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate, "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                ]
            ).terminationStatus == 0)

        var broker = try EmbeddedBroker(port: EmbeddedBroker.freePort(), stateDirectory: folder.path)
        let tlsPort = EmbeddedBroker.freePort()
        broker.advertisedPort = tlsPort
        try broker.start(logger: TestLogging.logger)
        defer { broker.stop() }
        let terminator = try run(
            "/usr/bin/socat",
            [
                "OPENSSL-LISTEN:\(tlsPort),bind=127.0.0.1,reuseaddr,fork,cert=\(certificate),key=\(key),verify=0",
                "TCP:127.0.0.1:\(broker.port)",
            ], wait: false)
        defer { terminator.terminate() }

        let secure = KafkaClientConfiguration(
            bootstrapServers: "127.0.0.1:\(tlsPort)", profile: .embedded,
            security: KafkaSecurity(tls: true, caLocation: certificate),
            requestTimeout: .seconds(5))
        let admin = try KafkaAdmin(configuration: secure, logger: TestLogging.logger)
        var ready = false
        for _ in 0..<50 where !ready {
            ready = (try? admin.metadata()) != nil
            if !ready { usleep(100_000) }
        }
        #expect(ready)
        try admin.createTopics(["tls-topic"], partitions: 1)
        let producer = try KafkaProducer(configuration: .init(client: secure), logger: TestLogging.logger)
        try producer.send(topic: "tls-topic", key: nil, value: Array("over tls".utf8))
        try producer.flush(timeout: .seconds(10))
        producer.close()
        #expect(producer.deliveryTally.delivered == 1)

        let plaintext = KafkaClientConfiguration(
            bootstrapServers: "127.0.0.1:\(tlsPort)", profile: .embedded, requestTimeout: .seconds(2))
        let error = #expect(throws: KafkaError.self) {
            try KafkaAdmin(configuration: plaintext, logger: TestLogging.logger).metadata()
        }
        #expect(error?.code == .brokerUnreachable)

        let untrusted = KafkaClientConfiguration(
            bootstrapServers: "127.0.0.1:\(tlsPort)", profile: .embedded,
            security: KafkaSecurity(tls: true, caLocation: "/dev/null"),
            requestTimeout: .seconds(2))
        #expect(throws: KafkaError.self) {
            try KafkaAdmin(configuration: untrusted, logger: TestLogging.logger).metadata()
        }
    }

    @discardableResult
    private func run(_ executable: String, _ arguments: [String], wait: Bool = true) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        if wait { process.waitUntilExit() }
        return process
    }
}
