import ArgumentParser
import Generation
import Inference

/// Sampling penalties against loops for augment (`--presence-penalty`, `--frequency-penalty`,
/// `--repetition-penalty`, `--penalty-window`, `--no-repeat-ngram`). Off by default: the paper's sampling. The
/// bake-off (BENCHMARKS.md) found `--frequency-penalty 0.3 --no-repeat-ngram 8` removes every loop on all three
/// instruct generators, but on the default generator it also halves the answers its thinking reaches (50 % → 28 %),
/// so it is a setting for the small generators, not the default.
struct RepetitionOptions: ParsableArguments {
    @Option(help: "Presence penalty on tokens already generated (OpenAI's; 0 = off).")
    var presencePenalty: Float = 0

    @Option(help: "Frequency penalty per earlier occurrence of a token (OpenAI's; 0 = off, the paper's sampling).")
    var frequencyPenalty: Float = 0

    @Option(help: "llama.cpp's repetition penalty (1 = off).")
    var repetitionPenalty: Float = 1

    @Option(help: "Latest generated tokens the three penalties look at.")
    var penaltyWindow = 256

    @Option(help: "Never repeat an n-gram of this many generated tokens (0 = off, the paper's sampling; 2 or more).")
    var noRepeatNgram = 0

    /// The penalties as sampling parameters (temperature, top-p and seed are set elsewhere).
    ///
    /// - Throws: `ValidationError` naming the option out of range.
    func parameters() throws -> SamplingParameters {
        let parameters = SamplingParameters(
            repetitionPenalty: repetitionPenalty, presencePenalty: presencePenalty, frequencyPenalty: frequencyPenalty,
            penaltyWindowTokens: penaltyWindow, noRepeatNGramTokens: noRepeatNgram)
        do {
            try parameters.validate()
        } catch let error as GenerationError {
            throw ValidationError(
                "\(error.message) (options --presence-penalty, --frequency-penalty, --repetition-penalty, "
                    + "--penalty-window, --no-repeat-ngram)")
        }
        return parameters
    }
}
