// Everything needed to resume training bit-identically: weights, AdamW state, step, RNG state, consumed offsets.
// Legend: P = layout.count parameters; m, v = AdamW first and second moments.
import Randomness
import Tensors

/// A snapshot of a training run. Restoring it into a fresh model and optimizer and continuing gives the same losses
/// and weights as never having stopped. Byte encoding is in `TrainingCheckpoint+Encoding.swift`; files are
/// `CheckpointStore`'s job.
public struct TrainingCheckpoint: Sendable, Equatable {
    /// The model shape.
    public var config: LlamaConfig
    /// AdamW hyperparameters.
    public var optimizerConfiguration: AdamWConfiguration
    /// The trainer's optimizer step (0-based index of the next step to take).
    public var step: Int
    /// All weights in ``ParameterLayout`` order. // [P]
    public var parameters: [Float]
    /// AdamW `m`. // [P]
    public var firstMoment: [Float]
    /// AdamW `v`. // [P]
    public var secondMoment: [Float]
    /// AdamW's own step count (bias correction).
    public var optimizerStep: Int
    /// The trainer RNG's ``SplitMix64/state``.
    public var randomState: UInt64
    /// Opaque resume positions, e.g. `"topic/partition" -> next offset`.
    public var consumedOffsets: [String: Int64]
    /// Opaque state of the code driving the trainer (data-loader carry-over, seen sample ids), saved atomically
    /// with the weights. Empty for version-1 files.
    public var trainerState: [UInt8]

    /// Creates a checkpoint from explicit values.
    ///
    /// - Parameters: one per property; the three arrays have `ParameterLayout(config:).count` elements.
    public init(
        config: LlamaConfig, optimizerConfiguration: AdamWConfiguration, step: Int, parameters: [Float],
        firstMoment: [Float], secondMoment: [Float], optimizerStep: Int, randomState: UInt64,
        consumedOffsets: [String: Int64], trainerState: [UInt8] = []
    ) {
        self.config = config
        self.optimizerConfiguration = optimizerConfiguration
        self.step = step
        self.parameters = parameters
        self.firstMoment = firstMoment
        self.secondMoment = secondMoment
        self.optimizerStep = optimizerStep
        self.randomState = randomState
        self.consumedOffsets = consumedOffsets
        self.trainerState = trainerState
    }

    /// Captures the state of a running trainer.
    ///
    /// - Parameters:
    ///   - model: weights and config.
    ///   - optimizer: AdamW moments and step.
    ///   - step: the trainer's next step.
    ///   - random: the trainer's RNG.
    ///   - consumedOffsets: opaque resume positions.
    ///   - trainerState: opaque driver state.
    public init(
        model: LlamaModel, optimizer: AdamW, step: Int, random: SplitMix64, consumedOffsets: [String: Int64] = [:],
        trainerState: [UInt8] = []
    ) {
        self.init(
            config: model.config, optimizerConfiguration: optimizer.configuration, step: step,
            parameters: model.parameters.array, firstMoment: optimizer.firstMoment.array,
            secondMoment: optimizer.secondMoment.array, optimizerStep: optimizer.step,
            randomState: random.state, consumedOffsets: consumedOffsets, trainerState: trainerState)
    }

    /// A model, optimizer and RNG in exactly the saved state.
    public func restore() -> (model: LlamaModel, optimizer: AdamW, random: SplitMix64) {
        let model = LlamaModel(config: config)
        precondition(parameters.count == model.layout.count, "checkpoint has \(parameters.count) parameters")
        parameters.withUnsafeBufferPointer { model.parameters.pointer.update(from: $0.baseAddress!, count: $0.count) }
        let optimizer = AdamW(layout: model.layout, configuration: optimizerConfiguration)
        optimizer.restore(step: optimizerStep, firstMoment: firstMoment, secondMoment: secondMoment)
        return (model, optimizer, SplitMix64(seed: randomState))
    }
}
