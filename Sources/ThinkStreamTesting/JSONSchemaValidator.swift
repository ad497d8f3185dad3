import Foundation
import JSON
import Pipeline

/// Validates JSON values against the JSON Schema (2020-12) subset that `schemas/` uses: `type`, `required`,
/// `properties`, `additionalProperties`, `items`, `enum`, `const`, `minLength`, `maxLength`, `minimum`, `maximum`,
/// `minItems`, `$ref` to `#/$defs/...`, `anyOf`, `oneOf`. Any other keyword makes validation fail loudly, so a schema
/// cannot silently ask for more than is checked.
public struct JSONSchemaValidator: Sendable {
    public let schema: JSONValue
    private static let annotationKeywords: Set<String> = [
        "$schema", "$id", "title", "description", "$defs", "examples", "$comment",
    ]

    /// Loads `schemas/<fileName>` from the repository.
    public init(schemaFile fileName: String) throws {
        let url = FixturePaths.schemas.appendingPathComponent(fileName)
        schema = try JSONParser.parse(Array(try Data(contentsOf: url)))
    }

    /// The problems found, as "path: reason" lines; empty when the value is valid.
    public func validate(_ value: JSONValue) -> [String] {
        var problems: [String] = []
        check(value, against: schema, path: "$", problems: &problems)
        return problems
    }

    private func resolve(_ reference: String) -> JSONValue? {
        guard reference.hasPrefix("#/$defs/") else { return nil }
        return schema["$defs"]?[String(reference.dropFirst("#/$defs/".count))]
    }

    private func check(_ value: JSONValue, against schema: JSONValue, path: String, problems: inout [String]) {
        guard case .object(let keywords) = schema else { return }
        for (keyword, argument) in keywords {
            switch keyword {
            case _ where Self.annotationKeywords.contains(keyword): continue
            case "$ref":
                guard let reference = argument.stringValue, let target = resolve(reference) else {
                    problems.append("\(path): unresolvable $ref \(argument)")
                    continue
                }
                check(value, against: target, path: path, problems: &problems)
            case "type":
                let allowed: [String]
                if case .array(let names) = argument {
                    allowed = names.compactMap(\.stringValue)
                } else {
                    allowed = [argument.stringValue ?? ""]
                }
                if !allowed.contains(where: { Self.matches(value, type: $0) }) {
                    problems.append("\(path): is \(value.typeName), expected \(allowed.joined(separator: " or "))")
                }
            case "required":
                guard case .array(let names) = argument else { continue }
                for name in names.compactMap(\.stringValue) where value[name] == nil {
                    if case .object = value { problems.append("\(path): missing required '\(name)'") }
                }
            case "properties":
                guard case .object(let members) = value, case .object(let propertySchemas) = argument else { continue }
                for (name, propertySchema) in propertySchemas {
                    if let member = members.first(where: { $0.key == name }) {
                        check(member.value, against: propertySchema, path: "\(path).\(name)", problems: &problems)
                    }
                }
            case "additionalProperties":
                guard case .object(let members) = value else { continue }
                var declared: Set<String> = []
                if case .object(let propertySchemas)? = schema["properties"] {
                    declared = Set(propertySchemas.map(\.key))
                }
                for member in members where !declared.contains(member.key) {
                    if case .bool(false) = argument {
                        problems.append("\(path): unexpected property '\(member.key)'")
                    } else {
                        check(member.value, against: argument, path: "\(path).\(member.key)", problems: &problems)
                    }
                }
            case "items":
                guard case .array(let elements) = value else { continue }
                for (index, element) in elements.enumerated() {
                    check(element, against: argument, path: "\(path)[\(index)]", problems: &problems)
                }
            case "enum":
                guard case .array(let options) = argument else { continue }
                if !options.contains(value) { problems.append("\(path): \(value) is not one of the allowed values") }
            case "const":
                if value != argument { problems.append("\(path): must equal \(argument)") }
            case "minLength", "maxLength":
                guard case .string(let text) = value, case .number(let limitText) = argument, let limit = Int(limitText)
                else { continue }
                let count = text.unicodeScalars.count
                if keyword == "minLength" ? count < limit : count > limit {
                    problems.append("\(path): length \(count) violates \(keyword) \(limit)")
                }
            case "minimum", "maximum":
                guard case .number(let numberText) = value, case .number(let limitText) = argument,
                    let number = Double(numberText), let limit = Double(limitText)
                else { continue }
                if keyword == "minimum" ? number < limit : number > limit {
                    problems.append("\(path): \(number) violates \(keyword) \(limit)")
                }
            case "exclusiveMinimum", "exclusiveMaximum":
                guard case .number(let numberText) = value, case .number(let limitText) = argument,
                    let number = Double(numberText), let limit = Double(limitText)
                else { continue }
                if keyword == "exclusiveMinimum" ? number <= limit : number >= limit {
                    problems.append("\(path): \(number) violates \(keyword) \(limit)")
                }
            case "minItems":
                guard case .array(let elements) = value, case .number(let limitText) = argument,
                    let limit = Int(limitText)
                else { continue }
                if elements.count < limit { problems.append("\(path): \(elements.count) items, minimum \(limit)") }
            case "anyOf", "oneOf":
                guard case .array(let options) = argument else { continue }
                let passing = options.filter { option in
                    var scratch: [String] = []
                    check(value, against: option, path: path, problems: &scratch)
                    return scratch.isEmpty
                }.count
                if keyword == "anyOf" ? passing == 0 : passing != 1 {
                    problems.append("\(path): \(passing) of the \(keyword) schemas match")
                }
            default:
                problems.append("\(path): schema keyword '\(keyword)' is not supported by this validator")
            }
        }
    }

    private static func matches(_ value: JSONValue, type: String) -> Bool {
        switch (type, value) {
        case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("null", .null): true
        case ("number", .number): true
        case ("integer", .number(let text)): !text.contains(".") && !text.lowercased().contains("e")
        default: false
        }
    }
}
