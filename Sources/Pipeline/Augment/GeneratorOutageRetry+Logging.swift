import Generation
import Logging

extension GeneratorOutageRetry {
    /// A retry with the default backoff that logs each outage: a warning when it starts, naming the call and the
    /// error, and an info line with its length when the generator is back.
    public convenience init(logger: Logger) {
        self.init { event in
            switch event {
            case .started(let call, let error, let nextTry):
                logger.warning(
                    "generator unavailable; documents wait and retry with backoff (nothing is dead-lettered or committed meanwhile)",
                    metadata: [
                        "generator.call": "\(call)", "error.message": "\(error)", "retry.in_seconds": "\(nextTry)",
                    ])
            case .ended(let outage):
                logger.info("generator back; documents resume", metadata: ["outage.seconds": "\(outage)"])
            }
        }
    }
}
