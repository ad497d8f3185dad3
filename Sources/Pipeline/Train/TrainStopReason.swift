/// Why `TrainService.run` stopped; its raw value is what `train` prints.
public enum TrainStopReason: String, Sendable, Equatable {
    /// `TrainConfiguration.maxSteps` steps were trained.
    case maxSteps = "max_steps"
    /// No new shard arrived for `stopWhenIdle` and nothing was left to train.
    case idle
    /// The caller cancelled (SIGINT/SIGTERM); a checkpoint was written first.
    case cancelled
}
