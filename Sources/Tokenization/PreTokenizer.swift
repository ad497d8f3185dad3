/// Splits text into the pieces that byte-level BPE encodes separately, reproducing the regexes llama.cpp uses for
/// each `tokenizer.ggml.pre` with hand-written scanners (leftmost alternative wins, as in a backtracking regex).
///
/// - `gpt2`: `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)`
/// - `smollm`: `\p{N}` (each digit alone), then `gpt2` inside each piece
/// - `qwen2`: `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`
///
/// Text a regex does not match stays a piece of its own, as in llama.cpp's `unicode_regex_split`.
public enum PreTokenizer: String, Sendable {
    case gpt2
    case smollm
    case qwen2

    /// The pre-tokenizer for a `tokenizer.ggml.pre` name, or `nil` when it is not implemented.
    public init?(name: String) {
        switch name {
        case "gpt2", "default": self = .gpt2
        case "smollm": self = .smollm
        case "qwen2": self = .qwen2
        default: return nil
        }
    }

    /// The names `init(name:)` accepts.
    public static let supportedNames = ["default", "gpt2", "smollm", "qwen2"]

    /// Splits `bytes` (valid UTF-8) into byte ranges, in order, covering all of it.
    func split(_ bytes: ArraySlice<UInt8>) -> [Range<Int>] {
        let text = ScalarText(bytes)
        var pieces: [Range<Int>] = []
        switch self {
        case .gpt2:
            Self.scan(text, from: 0, to: text.count, into: &pieces, match: Self.matchGPT2)
        case .qwen2:
            Self.scan(text, from: 0, to: text.count, into: &pieces, match: Self.matchQwen2)
        case .smollm:
            var start = 0
            for i in 0..<text.count where text.isNumber(i) {
                Self.scan(text, from: start, to: i, into: &pieces, match: Self.matchGPT2)
                Self.scan(text, from: i, to: i + 1, into: &pieces, match: Self.matchGPT2)
                start = i + 1
            }
            Self.scan(text, from: start, to: text.count, into: &pieces, match: Self.matchGPT2)
        }
        return pieces
    }

    /// Runs `match` at each position of `[start, end)`; unmatched scalars between matches form one piece.
    private static func scan(
        _ full: ScalarText, from start: Int, to end: Int, into pieces: inout [Range<Int>],
        match: (ScalarWindow, Int) -> Int?
    ) {
        let window = ScalarWindow(text: full, end: end)
        var position = start
        var unmatchedStart: Int? = nil
        while position < end {
            if let matchEnd = match(window, position) {
                if let u = unmatchedStart {
                    pieces.append(full.byteOffsets[u]..<full.byteOffsets[position])
                    unmatchedStart = nil
                }
                pieces.append(full.byteOffsets[position]..<full.byteOffsets[matchEnd])
                position = matchEnd
            } else {
                if unmatchedStart == nil { unmatchedStart = position }
                position += 1
            }
        }
        if let u = unmatchedStart { pieces.append(full.byteOffsets[u]..<full.byteOffsets[end]) }
    }
}
