import Generation

/// Settings of the TPT method as the augment service applies it.
public struct TPTAugmenterConfiguration: Sendable {
    public var template: PromptTemplate
    public var temperature: Float
    public var topP: Float
    public var upsampling: UpsamplingPolicy
    public var gate: TrajectoryGateConfiguration
    /// Stop generation at this string and drop anything after it.
    public var stopString: String
    /// Penalties and n-gram blocking against loops (temperature, top-p and seed are set per trajectory from the
    /// fields above); the default is the paper's sampling, with none.
    public var repetitionControl: SamplingParameters

    public init(
        template: PromptTemplate = .tptDefault, temperature: Float = 0.6, topP: Float = 0.9,
        upsampling: UpsamplingPolicy = UpsamplingPolicy(),
        gate: TrajectoryGateConfiguration = TrajectoryGateConfiguration(),
        stopString: String = "</think>", repetitionControl: SamplingParameters = SamplingParameters()
    ) {
        self.repetitionControl = repetitionControl
        self.template = template
        self.temperature = temperature
        self.topP = topP
        self.upsampling = upsampling
        self.gate = gate
        self.stopString = stopString
    }
}
