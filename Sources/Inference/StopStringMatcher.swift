/// Finds stop strings in streamed text: text that could still begin a stop string is held back until it is
/// decided, and a found stop string (with everything after it) is dropped.
struct StopStringMatcher: Sendable {
    private let stops: [[Unicode.Scalar]]
    private var held: [Unicode.Scalar] = []

    init(stopStrings: [String]) {
        stops = stopStrings.filter { !$0.isEmpty }.map { Array($0.unicodeScalars) }
    }

    /// Adds `piece`; returns the text that is now safe to emit and whether a stop string was found.
    mutating func feed(_ piece: String) -> (emit: String, stopped: Bool) {
        guard !stops.isEmpty else { return (piece, false) }
        held.append(contentsOf: piece.unicodeScalars)
        if let cut = earliestMatch() {
            let emit = String(String.UnicodeScalarView(held[..<cut]))
            held.removeAll()
            return (emit, true)
        }
        let keep = longestSuffixStartingAStop()
        let emit = String(String.UnicodeScalarView(held[..<(held.count - keep)]))
        held.removeFirst(held.count - keep)
        return (emit, false)
    }

    /// The held-back text, at the end of generation.
    mutating func flush() -> String {
        defer { held.removeAll() }
        return String(String.UnicodeScalarView(held))
    }

    private func earliestMatch() -> Int? {
        var best: Int?
        for stop in stops where stop.count <= held.count {
            for start in 0...(held.count - stop.count) where held[start..<(start + stop.count)].elementsEqual(stop) {
                best = min(best ?? start, start)
                break
            }
        }
        return best
    }

    private func longestSuffixStartingAStop() -> Int {
        var longest = 0
        for stop in stops {
            for length in stride(from: min(stop.count - 1, held.count), to: longest, by: -1)
            where held[(held.count - length)...].elementsEqual(stop[..<length]) {
                longest = length
                break
            }
        }
        return longest
    }
}
