import Foundation
import Synchronization

/// Set by the first SIGINT or SIGTERM, so long-running loops can stop, flush what they accepted and report.
/// A second signal ends the process at once.
enum InterruptFlag {
    private static let raised = Atomic<Bool>(false)

    static var isRaised: Bool { raised.load(ordering: .relaxed) }

    static func install() {
        let handler: @convention(c) (Int32) -> Void = { signalNumber in
            if InterruptFlag.raised.exchange(true, ordering: .relaxed) { _exit(128 + signalNumber) }
        }
        signal(SIGINT, handler)
        signal(SIGTERM, handler)
    }
}
