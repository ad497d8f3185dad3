// ggml-cpu's one-row flash attention (`ggml_compute_forward_flash_attn_ext_f16_one_chunk`) with an F16 cache:
// Q rounded to F16, online softmax, and the V accumulator kept in F16 (rounded after every scale and add).
// Legend: hd = head width, j = key position, M = running max, S = running sum, VKQ = the V accumulator.
import Foundation

extension TransformerKernels {
    /// Rounds `count` floats to the nearest F16 value in place (round to nearest even on the mantissa; values in
    /// F16's normal range, which attention activations are).
    @inline(__always)
    static func roundToHalfPrecision(_ x: UnsafeMutablePointer<Float>, count n: Int) {
        var i = 0
        while i + 16 <= n {
            let raw = UnsafeMutableRawPointer(x + i)
            raw.storeBytes(of: roundToHalf(raw.loadUnaligned(as: SIMD16<Float>.self)), as: SIMD16<Float>.self)
            i += 16
        }
        while i < n {
            x[i] = Float(Float16(x[i]))
            i += 1
        }
    }

    @inline(__always)
    static func roundToHalf(_ v: SIMD16<Float>) -> SIMD16<Float> {
        let bits = unsafeBitCast(v, to: SIMD16<UInt32>.self)
        let odd = (bits &>> 13) & 1
        let rounded = (bits &+ 0x0FFF &+ odd) & ~SIMD16<UInt32>(repeating: 0x1FFF)
        return unsafeBitCast(rounded, to: SIMD16<Float>.self)
    }

    /// `out = softmax(scale * q·K[j]) V[j]` over `positions`, as ggml's one-row kernel computes it.
    static func attendOnlineHalf(
        query q: UnsafePointer<Float>, keys: UnsafePointer<Float>, values: UnsafePointer<Float>,
        positions: ClosedRange<Int>, headDimension hd: Int, scale: Float, into out: UnsafeMutablePointer<Float>
    ) {
        out.update(repeating: 0, count: hd)  // VKQ, F16 values held in Float
        var M = -Float.infinity
        var S: Float = 0
        for j in positions {
            let s = dot(q, keys + j * hd, count: hd) * scale
            var ms: Float = 1
            var vs: Float = 1
            if s > M {
                let old = M
                M = s
                ms = expf(old - M)
                scaleHalf(out, by: ms, count: hd)
            } else {
                vs = expf(s - M)
            }
            madHalf(values + j * hd, alpha: vs, into: out, count: hd)
            S = S * ms + vs
        }
        let inverse = S == 0 ? 0 : 1 / S
        for i in 0..<hd { out[i] *= inverse }
    }

    /// `y = fp16(y * v)` (ggml_vec_scale_f16).
    @inline(__always)
    static func scaleHalf(_ y: UnsafeMutablePointer<Float>, by v: Float, count n: Int) {
        var i = 0
        while i + 16 <= n {
            let raw = UnsafeMutableRawPointer(y + i)
            raw.storeBytes(of: roundToHalf(raw.loadUnaligned(as: SIMD16<Float>.self) * v), as: SIMD16<Float>.self)
            i += 16
        }
        while i < n {
            y[i] = Float(Float16(y[i] * v))
            i += 1
        }
    }

    /// `y = fp16(y + x * v)` with a fused multiply-add (ggml_vec_mad_f16).
    @inline(__always)
    static func madHalf(_ x: UnsafePointer<Float>, alpha v: Float, into y: UnsafeMutablePointer<Float>, count n: Int) {
        var i = 0
        let scale = SIMD16<Float>(repeating: v)
        while i + 16 <= n {
            let raw = UnsafeMutableRawPointer(y + i)
            var vy = raw.loadUnaligned(as: SIMD16<Float>.self)
            vy.addProduct(UnsafeRawPointer(x + i).loadUnaligned(as: SIMD16<Float>.self), scale)
            raw.storeBytes(of: roundToHalf(vy), as: SIMD16<Float>.self)
            i += 16
        }
        while i < n {
            y[i] = Float(Float16(y[i] + x[i] * v))
            i += 1
        }
    }
}
