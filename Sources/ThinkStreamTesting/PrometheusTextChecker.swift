/// Checks Prometheus text exposition format 0.0.4 line by line: `# HELP`/`# TYPE` comments, then samples
/// `name{label="value",...} number` whose family was typed before them.
public enum PrometheusTextChecker {
    /// One sample line.
    public struct Sample: Equatable, Sendable {
        public var name: String
        public var labels: [String: String]
        public var value: Double
    }

    /// - Returns: the samples and the problems found (empty when it scrapes cleanly).
    public static func parse(_ text: String) -> (samples: [Sample], problems: [String]) {
        var samples: [Sample] = []
        var problems: [String] = []
        var typed: [String: String] = [:]
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            if line.hasPrefix("# HELP ") { continue }
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                guard parts.count == 4, ["counter", "gauge", "histogram", "summary", "untyped"].contains(parts[3])
                else {
                    problems.append("line \(number + 1): bad TYPE line '\(line)'")
                    continue
                }
                typed[String(parts[2])] = String(parts[3])
                continue
            }
            guard let sample = sample(String(line)) else {
                problems.append("line \(number + 1): not a sample: '\(line)'")
                continue
            }
            let family =
                ["_bucket", "_sum", "_count"].first {
                    sample.name.hasSuffix($0) && typed[String(sample.name.dropLast($0.count))] == "histogram"
                }
                .map { String(sample.name.dropLast($0.count)) } ?? sample.name
            if typed[family] == nil { problems.append("line \(number + 1): \(sample.name) has no TYPE line before it") }
            samples.append(sample)
        }
        return (samples, problems)
    }

    private static func sample(_ line: String) -> Sample? {
        guard let space = line.lastIndex(of: " ") else { return nil }
        let valueText = line[line.index(after: space)...]
        let value: Double? = valueText == "+Inf" ? .infinity : valueText == "-Inf" ? -.infinity : Double(valueText)
        guard let value else { return nil }
        var head = line[..<space]
        var labels: [String: String] = [:]
        if let brace = head.firstIndex(of: "{") {
            guard head.last == "}" else { return nil }
            let body = head[head.index(after: brace)..<head.index(before: head.endIndex)]
            for pair in body.split(separator: ",") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, parts[1].first == "\"", parts[1].last == "\"", parts[1].count >= 2 else {
                    return nil
                }
                labels[String(parts[0])] = String(parts[1].dropFirst().dropLast())
            }
            head = head[..<brace]
        }
        let name = String(head)
        guard let first = name.first, first.isLetter || first == "_",
            name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" })
        else { return nil }
        return Sample(name: name, labels: labels, value: value)
    }
}
