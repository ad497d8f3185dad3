/// How a client authenticates to and encrypts its connection with the cluster.
///
/// Maps onto librdkafka's `security.protocol`, `sasl.*` and `ssl.*` properties; anything rarer passes through
/// `KafkaClientConfiguration.properties`.
public struct KafkaSecurity: Sendable, Equatable {
    public enum SASLMechanism: String, Sendable, CaseIterable {
        case plain = "PLAIN"
        case scramSHA256 = "SCRAM-SHA-256"
        case scramSHA512 = "SCRAM-SHA-512"
    }

    /// SASL credentials; nil for no SASL.
    public var sasl: (mechanism: SASLMechanism, username: String, password: String)?
    /// Whether the connection uses TLS.
    public var tls: Bool
    /// PEM file of the certificate authorities that sign the brokers' certificates; nil for the system store.
    public var caLocation: String?
    /// PEM client certificate and key, for mutual TLS.
    public var certificateLocation: String?
    public var keyLocation: String?
    /// Whether the broker's certificate must match its host name (`ssl.endpoint.identification.algorithm`).
    public var verifyHostName: Bool

    public init(
        sasl: (mechanism: SASLMechanism, username: String, password: String)? = nil, tls: Bool = false,
        caLocation: String? = nil, certificateLocation: String? = nil, keyLocation: String? = nil,
        verifyHostName: Bool = true
    ) {
        self.sasl = sasl
        self.tls = tls
        self.caLocation = caLocation
        self.certificateLocation = certificateLocation
        self.keyLocation = keyLocation
        self.verifyHostName = verifyHostName
    }

    public static let plaintext = KafkaSecurity()

    public static func == (lhs: KafkaSecurity, rhs: KafkaSecurity) -> Bool {
        lhs.sasl?.mechanism == rhs.sasl?.mechanism && lhs.sasl?.username == rhs.sasl?.username
            && lhs.sasl?.password == rhs.sasl?.password && lhs.tls == rhs.tls && lhs.caLocation == rhs.caLocation
            && lhs.certificateLocation == rhs.certificateLocation && lhs.keyLocation == rhs.keyLocation
            && lhs.verifyHostName == rhs.verifyHostName
    }

    /// The librdkafka properties these settings stand for.
    public var properties: [String: String] {
        var result: [String: String] = [:]
        switch (sasl != nil, tls) {
        case (false, false): result["security.protocol"] = "plaintext"
        case (false, true): result["security.protocol"] = "ssl"
        case (true, false): result["security.protocol"] = "sasl_plaintext"
        case (true, true): result["security.protocol"] = "sasl_ssl"
        }
        if let sasl {
            result["sasl.mechanisms"] = sasl.mechanism.rawValue
            result["sasl.username"] = sasl.username
            result["sasl.password"] = sasl.password
        }
        if tls {
            if let caLocation { result["ssl.ca.location"] = caLocation }
            if let certificateLocation { result["ssl.certificate.location"] = certificateLocation }
            if let keyLocation { result["ssl.key.location"] = keyLocation }
            result["ssl.endpoint.identification.algorithm"] = verifyHostName ? "https" : "none"
        }
        return result
    }
}
