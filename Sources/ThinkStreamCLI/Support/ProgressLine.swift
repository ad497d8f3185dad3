import Foundation

/// A single self-overwriting status line on a terminal's standard error, redrawn at most every 200 ms.
struct ProgressLine {
    private var lastDrawn = ContinuousClock.now - .seconds(1)
    private var drewSomething = false

    mutating func draw(_ text: @autoclosure () -> String, force: Bool = false) {
        let now = ContinuousClock.now
        guard force || now - lastDrawn >= .milliseconds(200) else { return }
        lastDrawn = now
        drewSomething = true
        FileHandle.standardError.write(Data("\r\u{1B}[2K\(text())".utf8))
    }

    /// Ends the line so later output starts on a fresh one.
    mutating func finish() {
        if drewSomething { FileHandle.standardError.write(Data("\n".utf8)) }
        drewSomething = false
    }

    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "--:--" }
        let total = Int(seconds.rounded())
        return total >= 3600
            ? String(format: "%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60)
            : String(format: "%02d:%02d", total / 60, total % 60)
    }
}
