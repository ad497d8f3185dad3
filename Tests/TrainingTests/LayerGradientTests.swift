// Finite-difference checks of every layer's backward pass, in fp32 with central differences.
import Tensors
import Testing
import Training

@Suite struct LayerGradientTests {
    /// fp32 forward + eps 1e-2 central differences: allowed |analytic - numeric| relative to max(1, max|grad|).
    static let tolerance = 2e-3

    func expectClose(_ results: [(maxDiff: Double, maxGradient: Double)], _ names: [String], layer: String) {
        for (result, name) in zip(results, names) {
            print("\(layer) d\(name): max |analytic - numeric| = \(result.maxDiff) (max |grad| \(result.maxGradient))")
            #expect(result.maxDiff <= Self.tolerance * max(1, result.maxGradient), "\(layer) d\(name)")
        }
    }

    @Test func rmsNormBackwardMatchesFiniteDifferences() {
        let (N, C) = (3, 8)
        var random = TestRandom(seed: 1)
        let inputs = [random.floats(N * C, in: -2...2), random.floats(C, in: 0.5...1.5)]
        let results = FiniteDifference(eps: 1e-2).check(inputs: inputs, outputCount: N * C) { values in
            let (x, weight, out, rstd) = (
                FloatBuffer(values[0]), FloatBuffer(values[1]), FloatBuffer(count: N * C), FloatBuffer(count: N)
            )
            RMSNorm.forward(
                out: out.pointer, rstd: rstd.pointer, x: x.pointer, weight: weight.pointer, N: N, C: C, eps: 1e-5)
            return withExtendedLifetime((x, weight, rstd)) { out.array }
        } backward: { values, probe in
            let (x, weight, out, rstd) = (
                FloatBuffer(values[0]), FloatBuffer(values[1]), FloatBuffer(count: N * C), FloatBuffer(count: N)
            )
            RMSNorm.forward(
                out: out.pointer, rstd: rstd.pointer, x: x.pointer, weight: weight.pointer, N: N, C: C, eps: 1e-5)
            let (dx, dweight, dout) = (FloatBuffer(count: N * C), FloatBuffer(count: C), FloatBuffer(probe))
            RMSNorm.backward(
                dx: dx.pointer, dweight: dweight.pointer, dout: dout.pointer, x: x.pointer, weight: weight.pointer,
                rstd: rstd.pointer, N: N, C: C)
            return withExtendedLifetime((x, weight, out, rstd, dout)) { [dx.array, dweight.array] }
        }
        expectClose(results, ["x", "weight"], layer: "RMSNorm")
    }

    @Test func linearBackwardMatchesFiniteDifferences() {
        let (N, inDim, outDim) = (3, 5, 4)
        var random = TestRandom(seed: 2)
        let inputs = [random.floats(N * inDim), random.floats(outDim * inDim)]
        let results = FiniteDifference().check(inputs: inputs, outputCount: N * outDim) { values in
            let (x, weight, out) = (FloatBuffer(values[0]), FloatBuffer(values[1]), FloatBuffer(count: N * outDim))
            Linear.forward(out: out.pointer, x: x.pointer, weight: weight.pointer, N: N, inDim: inDim, outDim: outDim)
            return withExtendedLifetime((x, weight)) { out.array }
        } backward: { values, probe in
            let (x, weight) = (FloatBuffer(values[0]), FloatBuffer(values[1]))
            let (dx, dweight, dout) = (
                FloatBuffer(count: N * inDim), FloatBuffer(count: outDim * inDim), FloatBuffer(probe)
            )
            Linear.backward(
                dx: dx.pointer, dweight: dweight.pointer, dout: dout.pointer, x: x.pointer, weight: weight.pointer,
                N: N, inDim: inDim, outDim: outDim)
            return withExtendedLifetime((x, weight, dout)) { [dx.array, dweight.array] }
        }
        expectClose(results, ["x", "weight"], layer: "Linear")
    }

    @Test func ropeBackwardMatchesFiniteDifferences() {
        let (B, T, nHeads, headDim) = (2, 5, 2, 8)
        let rope = RotaryEmbedding(maxT: T, headDim: headDim, base: 10_000)
        var random = TestRandom(seed: 3)
        let inputs = [random.floats(B * T * nHeads * headDim)]
        let results = FiniteDifference().check(inputs: inputs, outputCount: inputs[0].count) { values in
            let x = FloatBuffer(values[0])
            rope.apply(x.pointer, B: B, T: T, nHeads: nHeads)
            return x.array
        } backward: { _, probe in
            let dx = FloatBuffer(probe)
            rope.apply(dx.pointer, B: B, T: T, nHeads: nHeads, inverse: true)
            return [dx.array]
        }
        expectClose(results, ["x"], layer: "RoPE")
    }

    @Test func attentionBackwardMatchesFiniteDifferences() {
        let shape = AttentionShape(B: 2, T: 5, nHeads: 4, nKVHeads: 2, headDim: 4)
        let (N, qDim, kvDim) = (2 * 5, 4 * 4, 2 * 4)
        var random = TestRandom(seed: 4)
        let inputs = [random.floats(N * qDim), random.floats(N * kvDim), random.floats(N * kvDim)]
        func run(_ values: [[Float]]) -> (FloatBuffer, FloatBuffer, [FloatBuffer]) {
            let buffers = values.map { FloatBuffer($0) }
            let out = FloatBuffer(count: N * qDim)
            let att = FloatBuffer(count: shape.B * shape.nHeads * shape.T * shape.T)
            CausalAttention.forward(
                out: out.pointer, att: att.pointer, q: buffers[0].pointer, k: buffers[1].pointer,
                v: buffers[2].pointer, shape: shape)
            return withExtendedLifetime(buffers) { (out, att, buffers) }
        }
        let results = FiniteDifference().check(inputs: inputs, outputCount: N * qDim) { values in
            run(values).0.array
        } backward: { values, probe in
            let (_, att, buffers) = run(values)
            let (dq, dk, dv, dout) = (
                FloatBuffer(count: N * qDim), FloatBuffer(count: N * kvDim), FloatBuffer(count: N * kvDim),
                FloatBuffer(probe)
            )
            let dAtt = FloatBuffer(count: shape.B * shape.nHeads * shape.T * shape.T)
            CausalAttention.backward(
                dq: dq.pointer, dk: dk.pointer, dv: dv.pointer, dAtt: dAtt.pointer, dout: dout.pointer,
                att: att.pointer,
                q: buffers[0].pointer, k: buffers[1].pointer, v: buffers[2].pointer, shape: shape)
            return withExtendedLifetime((att, buffers, dout, dAtt)) { [dq.array, dk.array, dv.array] }
        }
        expectClose(results, ["q", "k", "v"], layer: "CausalAttention")
    }

    @Test func swigluBackwardMatchesFiniteDifferences() {
        let count = 12
        var random = TestRandom(seed: 5)
        let inputs = [random.floats(count, in: -3...3), random.floats(count)]
        let results = FiniteDifference().check(inputs: inputs, outputCount: count) { values in
            let (gate, up, out) = (FloatBuffer(values[0]), FloatBuffer(values[1]), FloatBuffer(count: count))
            SwiGLU.forward(out: out.pointer, gate: gate.pointer, up: up.pointer, count: count)
            return withExtendedLifetime((gate, up)) { out.array }
        } backward: { values, probe in
            let (dgate, dup) = (FloatBuffer(count: count), FloatBuffer(count: count))
            let (gate, up, dout) = (FloatBuffer(values[0]), FloatBuffer(values[1]), FloatBuffer(probe))
            SwiGLU.backward(
                dgate: dgate.pointer, dup: dup.pointer, dout: dout.pointer, gate: gate.pointer, up: up.pointer,
                count: count)
            return withExtendedLifetime((gate, up, dout)) { [dgate.array, dup.array] }
        }
        expectClose(results, ["gate", "up"], layer: "SwiGLU")
    }

    @Test func crossEntropyBackwardMatchesFiniteDifferences() {
        let (N, V) = (3, 7)
        let targets: [Int32] = [2, 0, 6]
        var random = TestRandom(seed: 6)
        let inputs = [random.floats(N * V, in: -2...2)]
        // The output is the summed loss itself; the probe then only scales it.
        let results = FiniteDifference().check(inputs: inputs, outputCount: 1) { values in
            let logits = FloatBuffer(values[0])
            let loss = targets.withUnsafeBufferPointer {
                CrossEntropy.forward(logits: logits.pointer, targets: $0.baseAddress!, N: N, V: V)
            }
            return withExtendedLifetime(logits) { [Float(loss)] }
        } backward: { values, probe in
            let logits = FloatBuffer(values[0])
            targets.withUnsafeBufferPointer {
                _ = CrossEntropy.forward(logits: logits.pointer, targets: $0.baseAddress!, N: N, V: V)
                CrossEntropy.backward(
                    probabilities: logits.pointer, targets: $0.baseAddress!, N: N, V: V, scale: probe[0])
            }
            return [logits.array]
        }
        expectClose(results, ["logits"], layer: "CrossEntropy")
    }

    @Test func embeddingBackwardMatchesFiniteDifferences() {
        let (N, C, V) = (4, 3, 5)
        let tokens: [Int32] = [1, 3, 1, 4]
        var random = TestRandom(seed: 8)
        let inputs = [random.floats(V * C)]
        let results = FiniteDifference().check(inputs: inputs, outputCount: N * C) { values in
            let (table, out) = (FloatBuffer(values[0]), FloatBuffer(count: N * C))
            tokens.withUnsafeBufferPointer {
                Embedding.forward(out: out.pointer, tokens: $0.baseAddress!, table: table.pointer, N: N, C: C)
            }
            return withExtendedLifetime(table) { out.array }
        } backward: { _, probe in
            let (dtable, dout) = (FloatBuffer(count: V * C), FloatBuffer(probe))
            tokens.withUnsafeBufferPointer {
                Embedding.backward(dtable: dtable.pointer, dout: dout.pointer, tokens: $0.baseAddress!, N: N, C: C)
            }
            return withExtendedLifetime(dout) { [dtable.array] }
        }
        expectClose(results, ["table"], layer: "Embedding")
    }
}
