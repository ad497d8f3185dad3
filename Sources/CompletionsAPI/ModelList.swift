/// The body of `GET /v1/models`.
public struct ModelList: Codable, Sendable, Equatable {
    /// One served model.
    public struct Model: Codable, Sendable, Equatable {
        /// The name to put in a request's `model`.
        public var id: String
        /// Always `model`.
        public var object: String
        /// Seconds since 1970 when it was loaded.
        public var created: Int
        /// Who serves it.
        public var ownedBy: String

        /// Creates a model entry.
        public init(id: String, object: String = "model", created: Int, ownedBy: String) {
            self.id = id
            self.object = object
            self.created = created
            self.ownedBy = ownedBy
        }

        enum CodingKeys: String, CodingKey {
            case id, object, created
            case ownedBy = "owned_by"
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            id = try container.decode(String.self, forKey: .id)
            object = try container.decodeIfPresent(String.self, forKey: .object) ?? "model"
            created = try container.decodeIfPresent(Int.self, forKey: .created) ?? 0
            ownedBy = try container.decodeIfPresent(String.self, forKey: .ownedBy) ?? ""
        }
    }

    /// Always `list`.
    public var object: String
    /// The served models.
    public var data: [Model]

    /// Creates a list.
    public init(data: [Model]) {
        object = "list"
        self.data = data
    }
}
