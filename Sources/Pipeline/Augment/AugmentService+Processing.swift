import Foundation
import Kafka
import Logging
import Shards
import Synchronization

extension AugmentService {
    /// Decodes the batch, runs the augmenter on the good documents while polling the (paused) consumer so the
    /// group membership stays alive, and returns one outcome per record plus records that arrived meanwhile.
    ///
    /// - Throws: ``StoppedDuringOutage`` when asked to stop while the augmenter waits for an unavailable generator:
    ///   the batch is then abandoned uncommitted (read again by the next owner), since the wait may never end.
    func augmentKeepingMembership(
        _ messages: [KafkaMessage], isCancelled: @escaping @Sendable () -> Bool
    ) async throws -> (outcomes: [AugmentOutcome], arrivedMeanwhile: [Collected]) {
        var outcomes = [AugmentOutcome?](repeating: nil, count: messages.count)
        var inputs: [AugmentInput] = []
        var inputPositions: [Int] = []
        for (position, message) in messages.enumerated() {
            if message.value.count > configuration.maxDocumentBytes {
                outcomes[position] = .failed(
                    reason: .documentTooLarge,
                    message:
                        "record is \(message.value.count) bytes, over augment.maxDocumentBytes \(configuration.maxDocumentBytes)"
                )
                continue
            }
            do {
                let document = try RawDocument.decode(message.value)
                inputs.append(
                    AugmentInput(
                        document: document,
                        source: .init(topic: message.topic, partition: message.partition, offset: message.offset)))
                inputPositions.append(position)
            } catch {
                outcomes[position] = .failed(reason: .malformedRecord, message: "not a raw-document/1 record: \(error)")
            }
        }
        let arrived = ArrivedRecords()
        if !inputs.isEmpty {
            let paused = (try? consumer.assignment()) ?? []
            try? consumer.pause(paused)
            let batchInputs = inputs
            let results = try await withThrowingTaskGroup(of: [AugmentOutcome]?.self) { group in
                group.addTask { [augmenter] in try await augmenter.augment(batchInputs) }
                group.addTask { [consumer, generation, augmenter] in
                    while !Task.isCancelled {
                        if isCancelled(), augmenter.isWaitingForGenerator { throw StoppedDuringOutage() }
                        try? await Task.sleep(for: .milliseconds(100))
                        if case .message(let message)? = try? consumer.poll(timeout: .zero) {
                            arrived.records.withLock {
                                $0.append(
                                    Collected(message: message, generation: generation.value.load(ordering: .relaxed)))
                            }
                        }
                    }
                    return nil
                }
                defer { group.cancelAll() }
                while let result = try await group.next() {
                    if let result { return result }
                }
                return []
            }
            try? consumer.resume((try? consumer.assignment()) ?? paused)
            for (index, position) in inputPositions.enumerated() {
                outcomes[position] =
                    index < results.count
                    ? results[index] : .failed(reason: .engineFailed, message: "the augmenter returned no outcome")
            }
        }
        return (outcomes.map { $0! }, arrived.records.withLock { $0 })
    }

    /// Asked to stop while the generator was unavailable; the batch in flight was not committed.
    struct StoppedDuringOutage: Error {}

    /// Records the keep-alive poll received while the augmenter worked.
    final class ArrivedRecords: Sendable {
        let records = Mutex<[Collected]>([])
    }
}
