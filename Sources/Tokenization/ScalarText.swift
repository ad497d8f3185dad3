/// UTF-8 text decoded into Unicode scalars with their byte offsets and the character classes the
/// pre-tokenizer regexes test (`\p{L}`, `\p{N}`, `\s`).
struct ScalarText {
    /// Class bits of one scalar.
    struct Classes: OptionSet {
        let rawValue: UInt8
        static let letter = Classes(rawValue: 1)
        static let number = Classes(rawValue: 2)
        static let whitespace = Classes(rawValue: 4)
    }

    /// The scalars' values.
    var values: [UInt32] = []  // [scalar]
    /// The byte offset of each scalar, plus the end offset.
    var byteOffsets: [Int] = []  // [scalar + 1]
    /// The classes of each scalar.
    var classes: [Classes] = []  // [scalar]

    /// Decodes `bytes`, which must be valid UTF-8 (invalid sequences decode as U+FFFD).
    init(_ bytes: ArraySlice<UInt8>) {
        values.reserveCapacity(bytes.count)
        byteOffsets.reserveCapacity(bytes.count + 1)
        classes.reserveCapacity(bytes.count)
        var offset = bytes.startIndex
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                values.append(scalar.value)
                byteOffsets.append(offset)
                classes.append(Self.classify(scalar))
                offset += UTF8.width(scalar)
            case .emptyInput:
                break loop
            case .error:
                values.append(0xFFFD)
                byteOffsets.append(offset)
                classes.append([])
                offset += 1
            }
        }
        byteOffsets.append(bytes.endIndex)
    }

    var count: Int { values.count }

    /// The classes llama.cpp's unicode tables give a scalar: whitespace is the Unicode White_Space property,
    /// letters are categories L*, numbers N*.
    static func classify(_ scalar: Unicode.Scalar) -> Classes {
        let value = scalar.value
        if value < 0x80 {
            switch value {
            case 0x41...0x5A, 0x61...0x7A: return .letter
            case 0x30...0x39: return .number
            case 0x09...0x0D, 0x20: return .whitespace
            default: return []
            }
        }
        let properties = scalar.properties
        if properties.isWhitespace { return .whitespace }
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return .letter
        case .decimalNumber, .letterNumber, .otherNumber: return .number
        default: return []
        }
    }

    func isLetter(_ i: Int) -> Bool { i < count && classes[i].contains(.letter) }
    func isNumber(_ i: Int) -> Bool { i < count && classes[i].contains(.number) }
    func isWhitespace(_ i: Int) -> Bool { i < count && classes[i].contains(.whitespace) }
    /// `[^\s\p{L}\p{N}]`
    func isOther(_ i: Int) -> Bool { i < count && classes[i].isEmpty }
    func isNewline(_ i: Int) -> Bool { i < count && (values[i] == 0x0A || values[i] == 0x0D) }
    func scalar(_ i: Int) -> UInt32 { i < count ? values[i] : 0 }

    /// The end of the run starting at `i` of scalars satisfying `predicate`.
    func runEnd(from i: Int, _ predicate: (Int) -> Bool) -> Int {
        var j = i
        while j < count && predicate(j) { j += 1 }
        return j
    }
}
