import Augmentation

/// The augment service streams raw documents through the TPT method; a document the method cannot augment becomes a
/// dead letter with the matching reason.
extension TPTDocumentAugmenter: DocumentAugmenting {
    public func augment(_ inputs: [AugmentInput]) async throws -> [AugmentOutcome] {
        let documents = inputs.map { TPTDocument(id: $0.document.id, text: $0.document.text, source: $0.source) }
        return try await augment(documents).map { outcome in
            switch outcome {
            case .samples(let samples): .samples(samples)
            case .failed(let failure, let message): .failed(reason: DeadLetter.Reason(failure), message: message)
            }
        }
    }
}

extension DeadLetter.Reason {
    /// The dead-letter reason of a document the method could not augment.
    init(_ failure: TPTOutcome.Failure) {
        switch failure {
        case .scoringFailed: self = .engineFailed
        case .generationFailed: self = .generationFailed
        case .trajectoryRejected: self = .trajectoryRejected
        }
    }
}
