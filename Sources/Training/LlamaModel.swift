// A Llama-family decoder for training: flat parameters, flat gradients, kept activations.
// Legend: B = batch, T = positions, N = B*T, C = dModel, V = vocab.
import Tensors

/// A Llama-family decoder with fp32 parameters and gradients in flat buffers laid out by ``ParameterLayout``.
///
/// Use ``forward(_:)`` then ``backward(lossScale:)`` (gradients accumulate until ``zeroGradients()``), or
/// ``trainStep(microBatches:optimizer:learningRate:maxGradientNorm:)`` for a whole optimizer step.
/// Not `Sendable`: one trainer thread owns it.
public final class LlamaModel {
    /// The model shape.
    public let config: LlamaConfig
    /// Names, offsets and shapes of the tensors in ``parameters`` and ``gradients``.
    public let layout: ParameterLayout
    /// All weights. // [layout.count]
    public let parameters: FloatBuffer
    /// All gradients, same layout. // [layout.count]
    public let gradients: FloatBuffer

    var activations: LlamaActivations?
    var rotary: RotaryEmbedding?
    var hasForward = false

    /// Creates a model with zero weights and gradients; fill ``parameters`` or call ``initialize(seed:)``.
    ///
    /// - Parameters:
    ///   - config: the model shape.
    public init(config: LlamaConfig) {
        self.config = config
        layout = ParameterLayout(config: config)
        parameters = FloatBuffer(count: layout.count)
        gradients = FloatBuffer(count: layout.count)
    }

    /// Creates a model with seeded random weights (see ``initialize(seed:)``).
    ///
    /// - Parameters:
    ///   - config: the model shape.
    ///   - seed: the random seed.
    public convenience init(config: LlamaConfig, seed: UInt64) {
        self.init(config: config)
        initialize(seed: seed)
    }

    /// The parameters of one named tensor, e.g. `"blk.0.attn_q.weight"`.
    ///
    /// - Parameters:
    ///   - name: a llama.cpp tensor name; traps when unknown.
    public func parameterPointer(_ name: String) -> UnsafeMutablePointer<Float> {
        guard let tensor = layout.tensor(named: name) else { preconditionFailure("no tensor named \(name)") }
        return parameters.pointer + tensor.offset
    }

    /// The gradient of one named tensor.
    ///
    /// - Parameters:
    ///   - name: a llama.cpp tensor name; traps when unknown.
    public func gradientPointer(_ name: String) -> UnsafeMutablePointer<Float> {
        guard let tensor = layout.tensor(named: name) else { preconditionFailure("no tensor named \(name)") }
        return gradients.pointer + tensor.offset
    }

    /// Sets every gradient to zero.
    public func zeroGradients() { gradients.zero() }

    /// Activations for a `[B, T]` batch, reallocated only when the shape changes.
    func activations(B: Int, T: Int) -> LlamaActivations {
        if let activations, activations.B == B, activations.T == T { return activations }
        let fresh = LlamaActivations(config: config, B: B, T: T)
        activations = fresh
        if rotary == nil || rotary!.maxT < T {
            rotary = RotaryEmbedding(maxT: T, headDim: config.headDim, base: config.ropeBase)
        }
        return fresh
    }
}
