import ArgumentParser
import Foundation
import Yams

/// The `--config` YAML file: a mapping of components, flattened to dotted keys with scalar values.
enum ConfigurationFile {
    /// - Throws: `ValidationError` naming the file and what is wrong.
    static func values(yamlFile path: String) throws -> [String: String] {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ValidationError("--config \(path): cannot read it (\(error.localizedDescription))")
        }
        let root: Any?
        do {
            root = try Yams.load(yaml: text)
        } catch {
            throw ValidationError("--config \(path): not valid YAML (\(error))")
        }
        guard let mapping = root as? [String: Any] else {
            throw ValidationError(
                "--config \(path): expected a mapping of components, e.g. kafka: {bootstrapServers: host:9092}")
        }
        var values: [String: String] = [:]
        func walk(_ node: Any, _ key: String) {
            if let mapping = node as? [String: Any] {
                for (child, value) in mapping { walk(value, key.isEmpty ? child : "\(key).\(child)") }
            } else if let list = node as? [Any] {
                values[key] = list.map { "\($0)" }.joined(separator: ",")
            } else {
                values[key] = "\(node)"
            }
        }
        walk(mapping, "")
        return values
    }
}
