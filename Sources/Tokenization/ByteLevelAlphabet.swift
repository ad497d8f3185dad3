/// GPT-2's reversible map from bytes to printable Unicode scalars (`bytes_to_unicode`): printable Latin-1 bytes
/// map to themselves, the other 68 bytes to U+0100 and up, in byte order. Byte-level BPE vocabularies are written
/// in this alphabet (a space is `Ġ`, a newline `Ċ`).
enum ByteLevelAlphabet {
    /// The scalar for each byte.
    static let scalarForByte: [Unicode.Scalar] = {
        var next: UInt32 = 256
        return (0...255).map { (byte: UInt32) -> Unicode.Scalar in
            if (33...126).contains(byte) || (161...172).contains(byte) || (174...255).contains(byte) {
                return Unicode.Scalar(byte)!
            }
            defer { next += 1 }
            return Unicode.Scalar(next)!
        }
    }()

    /// The byte for each scalar of the alphabet.
    static let byteForScalar: [UInt32: UInt8] = {
        var map: [UInt32: UInt8] = [:]
        for (byte, scalar) in scalarForByte.enumerated() { map[scalar.value] = UInt8(byte) }
        return map
    }()

    /// Maps raw bytes to alphabet text.
    static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var result = String.UnicodeScalarView()
        for byte in bytes { result.append(scalarForByte[Int(byte)]) }
        return String(result)
    }

    /// Maps alphabet text back to bytes; scalars outside the alphabet keep their UTF-8 bytes.
    static func decode(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            if let byte = byteForScalar[scalar.value] {
                bytes.append(byte)
            } else {
                bytes.append(contentsOf: String(scalar).utf8)
            }
        }
        return bytes
    }
}
