// Central finite differences for fp32 kernels (test-only).
// Legend: loss = sum_j out[j] * probe[j] accumulated in Double; eps = perturbation; grads come from the kernel's
// backward pass run with dout = probe.

struct FiniteDifference {
    /// Perturbation size: large enough that fp32 rounding in the forward pass stays well below the signal.
    var eps: Float = 1e-2
    var seed: UInt64 = 7

    /// Returns, for each input, the largest |analytic - numeric| and the largest |numeric|.
    func check(
        inputs: [[Float]], outputCount: Int,
        forward: ([[Float]]) -> [Float],
        backward: ([[Float]], [Float]) -> [[Float]]
    ) -> [(maxDiff: Double, maxGradient: Double)] {
        var generator = TestRandom(seed: seed)
        let probe = (0..<outputCount).map { _ in generator.nextFloat(in: -1...1) }  // [outputCount]
        func loss(_ values: [[Float]]) -> Double {
            let out = forward(values)
            return zip(out, probe).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        }
        let analytic = backward(inputs, probe)
        var results: [(Double, Double)] = []
        for (index, input) in inputs.enumerated() {
            var maxDiff = 0.0
            var maxGradient = 0.0
            for element in 0..<input.count {
                var plus = inputs
                plus[index][element] += eps
                var minus = inputs
                minus[index][element] -= eps
                let numeric = (loss(plus) - loss(minus)) / Double(2 * eps)
                maxDiff = max(maxDiff, abs(numeric - Double(analytic[index][element])))
                maxGradient = max(maxGradient, abs(numeric))
            }
            results.append((maxDiff, maxGradient))
        }
        return results
    }
}

/// A seeded generator for test data.
struct TestRandom {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func nextFloat(in range: ClosedRange<Float>) -> Float {
        let unit = Float(next() >> 40) / Float(1 << 24)
        return range.lowerBound + unit * (range.upperBound - range.lowerBound)
    }

    mutating func floats(_ count: Int, in range: ClosedRange<Float> = -1...1) -> [Float] {
        (0..<count).map { _ in nextFloat(in: range) }
    }
}
