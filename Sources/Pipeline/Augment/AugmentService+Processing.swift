import Foundation
import Kafka
import Shards

extension AugmentService {
    /// Adds one consumed record to the window: a record too large or not a raw document is decided at once (a dead
    /// letter); any other starts its augmentation.
    func admit(_ collected: Collected, to window: AdmissionWindow) {
        let message = collected.message
        if message.value.count > configuration.maxDocumentBytes {
            window.add(
                collected,
                outcome: .failed(
                    reason: .documentTooLarge,
                    message:
                        "record is \(message.value.count) bytes, over augment.maxDocumentBytes \(configuration.maxDocumentBytes)"
                ))
            return
        }
        let input: AugmentInput
        do {
            input = AugmentInput(
                document: try RawDocument.decode(message.value),
                source: .init(topic: message.topic, partition: message.partition, offset: message.offset))
        } catch {
            window.add(
                collected, outcome: .failed(reason: .malformedRecord, message: "not a raw-document/1 record: \(error)"))
            return
        }
        window.start(collected) { [augmenter] in
            try await augmenter.augment([input]).first
                ?? .failed(reason: .engineFailed, message: "the augmenter returned no outcome")
        }
    }
}
