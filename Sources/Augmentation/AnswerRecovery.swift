import Foundation

/// Whether a thinking trajectory for a maths problem reaches the problem's reference answer: the objective check
/// that the thinking is right, used by the generator bake-off.
///
/// A trajectory *reaches* the answer when the reference appears as a stated result: inside a `\boxed{…}`, right
/// after `=` or `\approx`, after "answer is" / "answer:" (any case), or as the trajectory's last number (numeric
/// references). Its *final* answer is its last `\boxed{…}` or, without one, its last stated result; ``Outcome``
/// reports both. A reference that only occurs inside the document is not enough: results are read from the
/// trajectory's own text.
///
/// Comparison follows the MATH benchmark's normalization (Hendrycks et al.'s `strip_string`, simplified): spaces,
/// `\left`/`\right`, `\!`, `$`, degree marks, `\text{…}` wrappers, `\dfrac`/`\tfrac` and trailing periods are
/// removed, `\frac12` becomes `\frac{1}{2}`. Two answers that both parse as numbers (integers, decimals with
/// commas, `a/b`, `\frac{a}{b}`, optionally negative) compare numerically with a relative tolerance of 1e-6.
public struct AnswerRecovery: Sendable, Hashable {
    /// The reference answer, normalized.
    public let reference: String
    /// The reference's value when it is a number.
    public let referenceValue: Double?

    /// What the check found in one trajectory.
    public struct Outcome: Sendable, Hashable, Codable {
        /// The reference appears as a stated result somewhere in the trajectory.
        public var reached: Bool
        /// The trajectory's final stated answer equals the reference.
        public var finalCorrect: Bool
        /// The final stated answer, normalized (nil when the trajectory states none).
        public var finalAnswer: String?
    }

    /// A reference from GSM8K's `final_answer_num` (or any number).
    public init(number: Double) {
        referenceValue = number
        reference = Self.format(number)
    }

    /// A reference from MATH's `answer` (LaTeX) or GSM8K's `final_answer` (text).
    public init(answer: String) {
        let normalized = Self.normalize(answer)
        reference = normalized
        referenceValue = Self.numericValue(normalized)
    }

    /// Checks one trajectory's text.
    public func check(_ text: String) -> Outcome {
        let boxed = Self.boxedContents(text).map(Self.normalize)
        // A numeric reference compares with a result's leading number too ("= 18 apples", "= $18").
        let results = Self.statedResults(text).map { expression in
            let normalized = Self.normalize(expression)
            guard referenceValue != nil, Self.numericValue(normalized) == nil,
                let leading = Self.leadingQuantity(expression)
            else { return normalized }
            return Self.format(leading)
        }
        let lastNumber = referenceValue == nil ? nil : Self.numbers(in: text).last.map(Self.format)
        let final = boxed.last ?? results.last ?? lastNumber
        let candidates = boxed + results + (lastNumber.map { [$0] } ?? [])
        return Outcome(
            reached: candidates.contains(where: matches), finalCorrect: final.map(matches) ?? false,
            finalAnswer: final)
    }

    /// Whether a normalized candidate answer equals the reference.
    public func matches(_ candidate: String) -> Bool {
        if candidate == reference { return true }
        if let referenceValue, let value = Self.numericValue(candidate) {
            return abs(value - referenceValue) <= 1e-6 * max(1, abs(referenceValue))
        }
        return false
    }

    // MARK: - Extraction

    /// The contents of every `\boxed{…}` (and `\fbox{…}`), braces balanced, in order.
    static func boxedContents(_ text: String) -> [String] {
        var contents: [String] = []
        let characters = Array(text)
        var index = 0
        while index < characters.count {
            var matched: Int?
            for command in ["\\boxed{", "\\fbox{"] where Self.hasPrefix(characters, at: index, command) {
                matched = command.count
            }
            guard let length = matched else {
                index += 1
                continue
            }
            var depth = 1
            var end = index + length
            while end < characters.count {
                if characters[end] == "{" { depth += 1 }
                if characters[end] == "}" {
                    depth -= 1
                    if depth == 0 { break }
                }
                end += 1
            }
            contents.append(String(characters[(index + length)..<min(end, characters.count)]))
            index = end + 1
        }
        return contents
    }

    /// Expressions stated as results: what follows `=`, `\approx`, "answer is" or "answer:", up to the end of the
    /// expression (a newline, a closing math delimiter, or a sentence end).
    static func statedResults(_ text: String) -> [String] {
        var results: [(position: Int, expression: String)] = []
        let lower = text.lowercased()
        for marker in ["=", "\\approx", "answer is", "answer:"] {
            var searchStart = lower.startIndex
            while let range = lower.range(of: marker, range: searchStart..<lower.endIndex) {
                searchStart = range.upperBound
                // `==`, `<=`, `>=`, `!=` are comparisons, not results.
                if marker == "=" {
                    if range.lowerBound > lower.startIndex,
                        "<>!=".contains(lower[lower.index(before: range.lowerBound)])
                    {
                        continue
                    }
                    if range.upperBound < lower.endIndex, lower[range.upperBound] == "=" { continue }
                }
                let offset = lower.distance(from: lower.startIndex, to: range.upperBound)
                guard let start = text.index(text.startIndex, offsetBy: offset, limitedBy: text.endIndex) else { break }
                let expression = Self.expression(at: text[start...])
                if !expression.isEmpty { results.append((offset, expression)) }
            }
        }
        return results.sorted { $0.position < $1.position }.map(\.expression)
    }

    /// The expression at the start of `tail`: up to a newline, `$`, `\]`, `\)`, `,` or `;` followed by a space,
    /// or a period followed by a space or the end; at most 60 characters.
    private static func expression(at tail: Substring) -> String {
        var out = ""
        var previous: Character = " "
        var index = tail.startIndex
        var depth = 0
        while index < tail.endIndex, out.count < 60 {
            let character = tail[index]
            let next = tail.index(after: index) < tail.endIndex ? tail[tail.index(after: index)] : " "
            if character == "{" { depth += 1 }
            if character == "}" { depth -= 1 }
            if depth <= 0 {
                if character == "\n" || (character == "$" && !out.trimmingCharacters(in: .whitespaces).isEmpty) {
                    break
                }
                if character == "\\" && (next == "]" || next == ")") { break }
                if (character == "," || character == ";" || character == "." || character == "?" || character == "!")
                    && next.isWhitespace && !(character == "," && previous.isNumber && next.isNumber)
                {
                    break
                }
                if character == "=" && !out.isEmpty { break }
            }
            out.append(character)
            previous = character
            index = tail.index(after: index)
        }
        var trimmed = out.trimmingCharacters(in: .whitespaces)
        while trimmed.hasSuffix(".") { trimmed.removeLast() }
        return trimmed
    }

    /// The number an expression starts with when only words follow it ("18 apples", "$1,200 per month"), not
    /// more mathematics ("3x + 5", "3 \\times 4").
    static func leadingQuantity(_ expression: String) -> Double? {
        var s = Substring(expression.trimmingCharacters(in: .whitespaces))
        for prefix in ["\\$", "$", "£", "€"] where s.hasPrefix(prefix) { s = s.dropFirst(prefix.count) }
        let number = s.prefix { $0.isNumber || $0 == "." || $0 == "," || $0 == "-" }
        let spelled = number.hasPrefix(".") ? "0" + number : String(number)
        guard !number.isEmpty, let value = Self.numbers(in: spelled).first else { return nil }
        let rest = s.dropFirst(number.count)
        guard rest.isEmpty || (rest.first!.isWhitespace && (rest.dropFirst().first?.isLetter ?? true)) else {
            return nil
        }
        return value
    }

    /// Every plain number in the text (commas between digit groups allowed), in order.
    static func numbers(in text: String) -> [Double] {
        var values: [Double] = []
        var current = ""
        func flush() {
            var candidate = current
            while let last = candidate.last, last == "." || last == "," { candidate.removeLast() }
            if let value = Double(candidate.replacingOccurrences(of: ",", with: "")),
                candidate.contains(where: \.isNumber)
            {
                values.append(value)
            }
            current = ""
        }
        let characters = Array(text)
        for (index, character) in characters.enumerated() {
            if character.isASCII && character.isNumber {
                if current.isEmpty, index > 0, characters[index - 1] == "-",
                    index < 2 || !(characters[index - 2].isLetter || characters[index - 2].isNumber)
                {
                    current = "-"
                }
                current.append(character)
            } else if (character == "." || character == ","), !current.isEmpty,
                index + 1 < characters.count, characters[index + 1].isASCII, characters[index + 1].isNumber
            {
                current.append(character)
            } else if !current.isEmpty {
                flush()
            }
        }
        if !current.isEmpty { flush() }
        return values
    }

    // MARK: - Normalization

    /// A MATH-style normalized answer string.
    public static func normalize(_ answer: String) -> String {
        var s = answer.trimmingCharacters(in: .whitespacesAndNewlines)
        if let inner = boxedContents(s).last, s.hasPrefix("\\boxed") || s.hasPrefix("\\fbox") { s = inner }
        s = unwrapText(s)
        for (from, to) in [
            ("\\left", ""), ("\\right", ""), ("\\!", ""), ("\\,", ""), ("\\;", ""), ("\\:", ""), ("\\ ", ""),
            ("\\dfrac", "\\frac"), ("\\tfrac", "\\frac"), ("^\\circ", ""), ("^{\\circ}", ""), ("\\circ", ""),
            ("°", ""), ("\\%", ""), ("%", ""), ("\\$", ""), ("$", ""), ("\\displaystyle", ""), ("−", "-"),
        ] {
            s = s.replacingOccurrences(of: from, with: to)
        }
        s = s.filter { !$0.isWhitespace }
        while s.hasSuffix(".") { s.removeLast() }
        // A short `x=` / `k =` prefix names the variable, not the answer.
        if let equals = s.firstIndex(of: "="), s.distance(from: s.startIndex, to: equals) <= 2 {
            s = String(s[s.index(after: equals)...])
        }
        s = fixFractions(s)
        if s.hasPrefix(".") { s = "0" + s }
        if let value = Double(s.replacingOccurrences(of: ",", with: "")),
            s.range(of: "^-?[0-9,]*\\.?[0-9]+$", options: .regularExpression) != nil
        {
            return format(value)
        }
        return s
    }

    /// `\text{…}`, `\textbf{…}`, `\mbox{…}` and `\mathrm{…}` replaced by their contents.
    private static func unwrapText(_ input: String) -> String {
        var s = input
        for command in ["\\text{", "\\textbf{", "\\mbox{", "\\mathrm{"] {
            while let range = s.range(of: command) {
                var depth = 1
                var end = range.upperBound
                while end < s.endIndex {
                    if s[end] == "{" { depth += 1 }
                    if s[end] == "}" {
                        depth -= 1
                        if depth == 0 { break }
                    }
                    end = s.index(after: end)
                }
                let inner = s[range.upperBound..<end]
                let after = end < s.endIndex ? s.index(after: end) : end
                s = String(s[..<range.lowerBound]) + inner + String(s[after...])
            }
        }
        return s
    }

    /// `\frac12` → `\frac{1}{2}`, `\frac1{2}` → `\frac{1}{2}`.
    private static func fixFractions(_ input: String) -> String {
        let parts = input.components(separatedBy: "\\frac")
        guard parts.count > 1 else { return input }
        var out = parts[0]
        for part in parts.dropFirst() {
            out += "\\frac"
            var rest = Substring(part)
            for _ in 0..<2 {
                if rest.first == "{" {
                    var depth = 0
                    var end = rest.startIndex
                    repeat {
                        if rest[end] == "{" { depth += 1 }
                        if rest[end] == "}" { depth -= 1 }
                        end = rest.index(after: end)
                    } while depth > 0 && end < rest.endIndex
                    out += rest[..<end]
                    rest = rest[end...]
                } else if let first = rest.first {
                    out += "{\(first)}"
                    rest = rest.dropFirst()
                }
            }
            out += rest
        }
        return out
    }

    /// The value of a normalized answer that is a number, a fraction `a/b`, or `\frac{a}{b}` (optionally negative).
    static func numericValue(_ answer: String) -> Double? {
        var s = answer.replacingOccurrences(of: ",", with: "")
        var sign = 1.0
        if s.hasPrefix("-") {
            sign = -1
            s.removeFirst()
        }
        if let value = Double(s), s.range(of: "^[0-9]*\\.?[0-9]+$", options: .regularExpression) != nil {
            return sign * value
        }
        if s.hasPrefix("\\frac{"), s.hasSuffix("}") {
            let body = s.dropFirst("\\frac{".count).dropLast()
            let pieces = body.components(separatedBy: "}{")
            if pieces.count == 2, let a = Double(pieces[0]), let b = Double(pieces[1]), b != 0 { return sign * a / b }
        }
        let slash = s.split(separator: "/")
        if slash.count == 2, let a = Double(slash[0]), let b = Double(slash[1]), b != 0 { return sign * a / b }
        return nil
    }

    /// A number as its shortest exact spelling: integers without a decimal point.
    static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }

    private static func hasPrefix(_ characters: [Character], at index: Int, _ prefix: String) -> Bool {
        var i = index
        for character in prefix {
            guard i < characters.count, characters[i] == character else { return false }
            i += 1
        }
        return true
    }
}
