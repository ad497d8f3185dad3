import Kafka
import Testing
import ThinkStreamTesting

struct KafkaSecretPropertiesTests {
    @Test func everySensitiveLibrdkafkaKeyIsSecretAndOrdinaryOnesAreNot() {
        for key in [
            "sasl.password", "ssl.key.password", "ssl.keystore.password", "ssl.key.pem", "sasl.oauthbearer.config",
            "sasl.oauthbearer.client.secret", "sasl.oauthbearer.extensions", "kafka.librdkafka.ssl.key.pem",
            "serve.apiSecret", "SSL.KEY.PASSWORD",
        ] {
            #expect(KafkaSecretProperties.isSecret(key), "\(key)")
        }
        for key in ["ssl.ca.location", "ssl.certificate.pem", "sasl.username", "linger.ms", "bootstrap.servers"] {
            #expect(!KafkaSecretProperties.isSecret(key), "\(key)")
        }
    }

    @Test func describingAPropertyMasksOnlySecrets() {
        #expect(KafkaSecretProperties.describe(key: "ssl.key.pem", value: "-----BEGIN") == "ssl.key.pem=******")
        #expect(KafkaSecretProperties.describe(key: "linger.ms", value: "5") == "linger.ms=5")
    }

    @Test func aPropertyLibrdkafkaRefusesIsNamedWithoutItsSecretValue() {
        var client = KafkaClientConfiguration(bootstrapServers: "127.0.0.1:1", requestTimeout: .seconds(1))
        client.properties["no.such.password"] = "hunter2"
        do {
            _ = try KafkaAdmin(configuration: client, logger: TestLogging.logger)
            Issue.record("librdkafka accepted an unknown property")
        } catch {
            #expect("\(error)".contains("no.such.password=******"), "\(error)")
            #expect(!"\(error)".contains("hunter2"))
        }
    }
}
