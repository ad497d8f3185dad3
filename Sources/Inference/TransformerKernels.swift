// Elementwise transformer kernels with ggml's arithmetic (ggml-cpu ops.cpp / vec.h).
// Legend: n = row length, T = rows, d = model width, hd = head width, nRot = rotated dims per head, p = position.
import Foundation
import Quantization

enum TransformerKernels {
    /// RMSNorm of each of `T` rows of `n`, times `weight`: `y = (x * 1/sqrt(mean(x²) + eps)) * w`, sum in double
    /// as ggml's `ggml_compute_forward_rms_norm_f32`. `x` and `y` may alias.
    static func rmsNorm(
        _ x: UnsafePointer<Float>, weight: UnsafePointer<Float>, epsilon: Float, n: Int, rows T: Int,
        into y: UnsafeMutablePointer<Float>
    ) {
        for t in 0..<T {
            let row = x + t * n, out = y + t * n
            var sum: Double = 0
            for i in 0..<n { sum += Double(row[i] * row[i]) }
            let mean = Float(sum / Double(n))
            let scale = 1 / sqrtf(mean + epsilon)
            for i in 0..<n { out[i] = (row[i] * scale) * weight[i] }
        }
    }

    /// Per-position RoPE angles as ggml's `rope_yarn` with no scaling: `theta_i = p * base^(-2i/nRot)`,
    /// computed by repeated multiplication in Float.
    static func rotaryTable(
        positions: [Int], base: Float, rotaryDimensions nRot: Int, into table: UnsafeMutablePointer<Float>
    ) {  // table: [T, nRot/2, 2] (cos, sin)
        let thetaScale = powf(base, -2 / Float(nRot))
        for (t, p) in positions.enumerated() {
            var theta = Float(p)
            let row = table + t * nRot
            for i in 0..<(nRot / 2) {
                row[2 * i] = cosf(theta)
                row[2 * i + 1] = sinf(theta)
                theta *= thetaScale
            }
        }
    }

    /// Rotates every head of each row in place with its position's angles.
    static func applyRotary(
        _ x: UnsafeMutablePointer<Float>, rows T: Int, heads: Int, headDimension hd: Int, rotaryDimensions nRot: Int,
        style: ModelArchitecture.RotaryStyle, table: UnsafePointer<Float>
    ) {  // x: [T, heads, hd]
        let half = nRot / 2
        for t in 0..<T {
            let angles = table + t * nRot
            for h in 0..<heads {
                let v = x + (t * heads + h) * hd
                for i in 0..<half {
                    let cosTheta = angles[2 * i], sinTheta = angles[2 * i + 1]
                    let (a, b) = style == .adjacentPairs ? (2 * i, 2 * i + 1) : (i, i + half)
                    let x0 = v[a], x1 = v[b]
                    v[a] = x0 * cosTheta - x1 * sinTheta
                    v[b] = x0 * sinTheta + x1 * cosTheta
                }
            }
        }
    }

    /// `gate = silu(gate) * up` over `count` elements (ggml `swiglu`).
    static func swiGLU(gate: UnsafeMutablePointer<Float>, up: UnsafePointer<Float>, count: Int) {
        for i in 0..<count {
            let g = gate[i]
            gate[i] = (g / (1 + expf(-g))) * up[i]
        }
    }

    /// `gate = gelu_tanh(gate) * up` through ggml's F16 table (`ggml_vec_geglu_f32` with `GGML_GELU_FP16`).
    static func geGLU(
        gate: UnsafeMutablePointer<Float>, up: UnsafePointer<Float>, count: Int, scratch: UnsafeMutablePointer<UInt16>
    ) {
        FloatConversion.fp32ToFp16(
            UnsafeBufferPointer(start: gate, count: count),
            into: UnsafeMutableBufferPointer(start: scratch, count: count))
        let table = GELUTable.values
        table.withUnsafeBufferPointer { lookup in
            for i in 0..<count {
                let x = gate[i]
                if x <= -10 {
                    gate[i] = 0
                } else if x >= 10 {
                    gate[i] = x * up[i]
                } else {
                    gate[i] = lookup[Int(scratch[i])] * up[i]
                }
            }
        }
    }

    /// `sum(a[i] * b[i])` with eight-wide accumulators.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count n: Int) -> Float {
        var accumulator = SIMD16<Float>()
        var i = 0
        while i + 16 <= n {
            let va = UnsafeRawPointer(a + i).loadUnaligned(as: SIMD16<Float>.self)
            let vb = UnsafeRawPointer(b + i).loadUnaligned(as: SIMD16<Float>.self)
            accumulator.addProduct(va, vb)
            i += 16
        }
        var sum = accumulator.sum()
        while i < n {
            sum += a[i] * b[i]
            i += 1
        }
        return sum
    }

    /// `y += alpha * x`.
    @inline(__always)
    static func addScaled(_ x: UnsafePointer<Float>, alpha: Float, into y: UnsafeMutablePointer<Float>, count n: Int) {
        var i = 0
        let scale = SIMD16<Float>(repeating: alpha)
        while i + 16 <= n {
            var vy = UnsafeRawPointer(y + i).loadUnaligned(as: SIMD16<Float>.self)
            vy.addProduct(scale, UnsafeRawPointer(x + i).loadUnaligned(as: SIMD16<Float>.self))
            UnsafeMutableRawPointer(y + i).storeBytes(of: vy, as: SIMD16<Float>.self)
            i += 16
        }
        while i < n {
            y[i] += alpha * x[i]
            i += 1
        }
    }
}

/// ggml's `ggml_table_gelu_f16`: `fp16(gelu_tanh(fp32(h)))` for every F16 bit pattern `h`, stored as Float.
enum GELUTable {
    static let values: [Float] = {
        let sqrtTwoOverPi: Float = 0.79788456080286535587989211986876
        let coefficientA: Float = 0.044715
        var inputs = [UInt16](repeating: 0, count: 65536)
        for i in 0..<65536 { inputs[i] = UInt16(i) }
        var x = [Float](repeating: 0, count: 65536)
        inputs.withUnsafeBufferPointer { h in
            x.withUnsafeMutableBufferPointer { FloatConversion.fp16ToFp32(h, into: $0) }
        }
        var gelu = x.map { v in 0.5 * v * (1 + tanhf(sqrtTwoOverPi * v * (1 + coefficientA * v * v))) }
        var halves = [UInt16](repeating: 0, count: 65536)
        gelu.withUnsafeBufferPointer { g in
            halves.withUnsafeMutableBufferPointer { FloatConversion.fp32ToFp16(g, into: $0) }
        }
        halves.withUnsafeBufferPointer { h in
            gelu.withUnsafeMutableBufferPointer { FloatConversion.fp16ToFp32(h, into: $0) }
        }
        return gelu
    }()
}
