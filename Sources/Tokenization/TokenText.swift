/// A token's text compared and hashed by its UTF-8 bytes.
///
/// Swift's `String` equality is canonical equivalence, which would merge distinct vocabulary entries such as
/// `;` (U+003B) and `;` (U+037E), or `é` and `e` + U+0301; tokenizers must match bytes exactly.
struct TokenText: Hashable, Sendable {
    let string: String

    init(_ string: String) { self.string = string }

    static func == (lhs: TokenText, rhs: TokenText) -> Bool {
        lhs.string.utf8.elementsEqual(rhs.string.utf8)
    }

    func hash(into hasher: inout Hasher) {
        var string = string
        string.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}
