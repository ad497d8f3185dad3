/// Which librdkafka properties hold secrets, so that no message, log line or listing prints their values.
public enum KafkaSecretProperties {
    /// Secret properties whose names say neither "password" nor "secret".
    public static let namedSecrets: Set<String> = [
        "ssl.key.pem", "ssl_key", "ssl.keystore.password", "ssl.key.password", "sasl.password",
        "sasl.oauthbearer.config", "sasl.oauthbearer.client.secret", "sasl.oauthbearer.extensions",
    ]

    /// What a redacted value prints as.
    public static let mask = "******"

    /// Whether `key` (a librdkafka property, or any key ending in one, such as `kafka.librdkafka.ssl.key.pem`) holds a
    /// secret: a named one, or any key mentioning a password, a secret, a private key or a token.
    public static func isSecret(_ key: String) -> Bool {
        let lowered = key.lowercased()
        if ["password", "secret", "private", "token", "credential"].contains(where: { lowered.contains($0) }) {
            return true
        }
        return namedSecrets.contains { lowered == $0 || lowered.hasSuffix("." + $0) }
    }

    /// `key=value`, or `key=******` for a secret.
    public static func describe(key: String, value: String) -> String {
        "\(key)=\(isSecret(key) ? mask : value)"
    }
}
