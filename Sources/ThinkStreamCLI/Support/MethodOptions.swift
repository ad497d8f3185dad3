import ArgumentParser
import Augmentation
import Pipeline

/// The TPT method's options, shared by `augment` and `score` so that `score` plans exactly what `augment` would:
/// prompt template, up-sampling, thinking budget, cap policy, sampling and the penalties against loops.
struct MethodOptions: ParsableArguments {
    @Option(help: "Prompt template: tpt-default or random-focus.")
    var template = "tpt-default"

    @Option(
        help: ArgumentHelp(
            "Prompt template version (default: the newest, 2).",
            discussion:
                "2 opens the assistant turn inside <think> for generators without a native thinking mode; 1 is the paper's exact prompt."
        ))
    var templateVersion: Int?

    @Option(help: "Up-sampling: tiered (harder documents get more and longer trajectories) or natural (the paper).")
    var upsampling: UpsamplingPolicy.Mode = .tiered

    @Option(help: "Cap every level's thinking budget at this many tokens (CPU-friendly runs).")
    var maxThinkingTokens: Int?

    @Option(
        help: "What to do with a trajectory that hits the cap on its last attempt: drop or keep-and-close (default).")
    var capPolicy: CapPolicy?

    @Option(help: "Sampling temperature (paper: 0.6).")
    var temperature: Float = 0.6

    @Option(help: "Top-p (paper: 0.9).")
    var topP: Float = 0.9

    @OptionGroup var repetition: RepetitionOptions

    /// The method's settings from the options.
    ///
    /// - Throws: `ValidationError` naming the option and the accepted values.
    func configuration() throws -> TPTAugmenterConfiguration {
        let promptTemplate: PromptTemplate
        do {
            promptTemplate = try PromptTemplate.named(template, version: templateVersion)
        } catch let error as AugmentationError {
            throw ValidationError(
                "--template \(template)\(templateVersion.map { " --template-version \($0)" } ?? ""): \(error.message)")
        }
        if let cap = maxThinkingTokens, cap < 1 {
            throw ValidationError("--max-thinking-tokens \(cap): must be at least 1")
        }
        var gate = TrajectoryGateConfiguration()
        gate.capPolicy = capPolicy ?? .keepAndClose
        var configuration = TPTAugmenterConfiguration(
            template: promptTemplate, temperature: temperature, topP: topP,
            upsampling: UpsamplingPolicy(mode: upsampling),
            gate: gate, repetitionControl: try repetition.parameters())
        if let cap = maxThinkingTokens { configuration.capThinking(at: cap) }
        do {
            try configuration.validate()
        } catch let error as AugmentationError {
            throw ValidationError(error.message)
        }
        return configuration
    }
}
