/// How Q8_0 and Q8_1 activation blocks round: ggml has two flavours that differ in rare last-bit cases.
///
/// Both use `d = amax / 127` (stored as fp16). ggml's scalar reference (`quantize_row_q8_0_ref`) multiplies by
/// `1 / d` and rounds half away from zero (`roundf`); ggml's x86 AVX2 kernel (`quantize_row_q8_0` in
/// `arch/x86/quants.c`, which llama.cpp runs on this project's machines) multiplies by `127 / amax` and rounds half
/// to even (`_mm256_round_ps`). They can differ by one step when a product lands on or next to a half integer.
/// Q8_K has one flavour (`quantize_row_q8_K_ref` everywhere).
public enum Q8Rounding: Sendable, Hashable {
    /// `quantize_row_q8_0_ref` / `quantize_row_q8_1_ref`.
    case ggmlReference
    /// ggml's AVX2 kernels: what ``QuantizedMatrix/quantizeActivations(_:to:into:)`` computes on every platform.
    case ggmlAVX2
}
