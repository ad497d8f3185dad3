extension GGMLType {
    /// The type ggml quantizes activations to before a dot product with a weight row of this type
    /// (`type_traits_cpu[type].vec_dot_type`): q8_0 for q4_0, q5_0 and q8_0; q8_1 for q4_1 and q5_1; q8_K for
    /// q4_K, q5_K and q6_K; f16 for f16; bf16 for bf16; f32 for f32. `nil` for types without a dot product here.
    public var vecDotType: GGMLType? {
        switch self {
        case .f32: .f32
        case .f16: .f16
        case .bf16: .bf16
        case .q4_0, .q5_0, .q8_0: .q8_0
        case .q4_1, .q5_1: .q8_1
        case .q4_K, .q5_K, .q6_K: .q8_K
        default: nil
        }
    }
}
