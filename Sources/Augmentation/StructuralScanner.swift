/// The single-pass counter behind ``StructuralFeatures``.
struct StructuralScanner {
    private(set) var nonWhitespace = 0
    private(set) var digits = 0
    private(set) var mathSymbols = 0
    private(set) var latexCommands = 0
    private(set) var equations = 0
    private(set) var codeMarkers = 0
    private(set) var words = 0
    private(set) var questionMarks = 0

    private var previous: Unicode.Scalar = "\n"
    /// The last non-space scalar, for `=` operand checks across spaces.
    private var previousNonSpace: Unicode.Scalar = "\n"
    private var pendingEquals = false
    private var inBackslashCommand = false
    private var backticks = 0
    /// The current line's leading letters, to spot `def `, `return `, `import ` at line starts (after indent).
    private var lineWord = ""
    private var lineWordOpen = true

    private static let mathSymbolSet: Set<Unicode.Scalar> = [
        "=", "+", "-", "*", "/", "^", "<", ">", "%", "≤", "≥", "≠", "±", "×", "÷", "√", "∑", "∫", "π", "∞", "≈",
        "∈", "∀", "∃", "→", "⇒", "∂", "∇", "·", "°",
    ]
    private static let codeWords: Set<String> = ["def", "return", "import", "class", "elif", "print"]

    mutating func consume(_ scalar: Unicode.Scalar) {
        let isSpace = scalar.properties.isWhitespace
        if !isSpace {
            nonWhitespace += 1
            if previous.properties.isWhitespace { words += 1 }
        }
        if ("0"..."9").contains(scalar) { digits += 1 }
        if Self.mathSymbolSet.contains(scalar) { mathSymbols += 1 }
        if scalar == "?" { questionMarks += 1 }
        if scalar == "$" { equations += 1 }
        countLatex(scalar)
        countEquals(scalar, isSpace: isSpace)
        countCode(scalar)
        previous = scalar
        if !(scalar == " " || scalar == "\t") { previousNonSpace = scalar }
    }

    mutating func finish() {
        if inBackslashCommand { latexCommands += 1 }
        if backticks >= 3 { codeMarkers += 1 }
    }

    private mutating func countLatex(_ scalar: Unicode.Scalar) {
        let isLetter = ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
        if inBackslashCommand && !isLetter {
            if previous != "\\" { latexCommands += 1 }
            inBackslashCommand = false
        }
        if scalar == "\\" { inBackslashCommand = true }
    }

    /// A `=` counts as an equation when an operand (letter, digit, closing bracket) comes before it and one
    /// (letter, digit, opening bracket, minus, backslash, `$`) after it, spaces allowed in between.
    private mutating func countEquals(_ scalar: Unicode.Scalar, isSpace: Bool) {
        if pendingEquals && !(scalar == " " || scalar == "\t") {
            if Self.isOperand(scalar) || "([{-\\$".unicodeScalars.contains(scalar) { equations += 1 }
            pendingEquals = false
        }
        if scalar == "=" && (Self.isOperand(previousNonSpace) || ")]}".unicodeScalars.contains(previousNonSpace)) {
            pendingEquals = true
        }
    }

    private mutating func countCode(_ scalar: Unicode.Scalar) {
        if scalar == "`" {
            backticks += 1
        } else {
            if backticks >= 3 { codeMarkers += 1 }
            backticks = 0
        }
        if scalar == "{" || scalar == "}" { codeMarkers += 1 }
        if scalar == ")" && previous == "(" { codeMarkers += 1 }
        if scalar == "\n" {
            if previousNonSpace == ";" { codeMarkers += 1 }
            lineWord = ""
            lineWordOpen = true
            return
        }
        guard lineWordOpen else { return }
        if ("a"..."z").contains(scalar) {
            lineWord.unicodeScalars.append(scalar)
        } else if scalar == " " || scalar == "\t" || scalar == "(" {
            if Self.codeWords.contains(lineWord) && (scalar != "(" || lineWord == "print") { codeMarkers += 1 }
            if !lineWord.isEmpty { lineWordOpen = false }
        } else {
            lineWordOpen = false
        }
    }

    private static func isOperand(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
    }
}
