/// Full metric names the dashboard aggregates, from the component metric structs.
enum Names {
    static let feedDocumentsIn = FeedMetrics.documentsIn.fullName(component: "feed")
    static let feedDocumentsProduced = FeedMetrics.documentsProduced.fullName(component: "feed")
    static let feedDuplicates = FeedMetrics.duplicates.fullName(component: "feed")
    static let feedDeadLetters = FeedMetrics.deadLetters.fullName(component: "feed")
    static let feedDocumentsPerSecond = FeedMetrics.documentsPerSecond.fullName(component: "feed")
    static let augmentDocumentsIn = AugmentMetrics.documentsIn.fullName(component: "augment")
    static let augmentSamplesOut = AugmentMetrics.samplesOut.fullName(component: "augment")
    static let augmentTokensGenerated = AugmentMetrics.tokensGenerated.fullName(component: "augment")
    static let augmentThinkingLength = AugmentMetrics.thinkingLength.fullName(component: "augment")
    static let augmentInFlightDocuments = AugmentMetrics.inFlightDocuments.fullName(component: "augment")
    static let augmentBatchOccupancy = AugmentMetrics.batchOccupancy.fullName(component: "augment")
    static let trainSteps = TrainMetrics.steps.fullName(component: "train")
    static let trainTokens = TrainMetrics.tokensTrained.fullName(component: "train")
    static let trainSamples = TrainMetrics.samplesSeen.fullName(component: "train")
    static let lossDocument = TrainMetrics.lossDocument.fullName(component: "train")
    static let lossThinking = TrainMetrics.lossThinking.fullName(component: "train")
}
