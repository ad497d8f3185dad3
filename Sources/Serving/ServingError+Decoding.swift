extension ServingError {
    /// A bad request naming the field a `DecodingError` points at (`max_tokens`, `prompt[2]`) and what was wrong.
    static func decoding(_ error: DecodingError) -> ServingError {
        func field(_ path: [any CodingKey]) -> String {
            var text = ""
            for key in path {
                if let index = key.intValue {
                    text += "[\(index)]"
                } else {
                    text += (text.isEmpty ? "" : ".") + key.stringValue
                }
            }
            return text.isEmpty ? "body" : text
        }
        switch error {
        case .keyNotFound(let key, let context):
            let name = field(context.codingPath + [key])
            return .invalid(name, "is required")
        case .typeMismatch(let type, let context):
            return .invalid(field(context.codingPath), "expected \(Self.typeName(type)): \(context.debugDescription)")
        case .valueNotFound(let type, let context):
            return .invalid(field(context.codingPath), "expected \(Self.typeName(type)), found null")
        case .dataCorrupted(let context):
            return .invalid(field(context.codingPath), "not valid JSON: \(context.debugDescription)")
        @unknown default:
            return ServingError(.invalidRequest, "the body is not a completions request: \(error)")
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type, is Int64.Type: "an integer"
        case is Double.Type: "a number"
        case is Bool.Type: "true or false"
        case is String.Type: "a string"
        default: "\(type)"
        }
    }
}
