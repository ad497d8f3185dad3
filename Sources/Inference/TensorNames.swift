/// The GGUF tensor names of one architecture (llama.cpp's `llama-arch.cpp` table). All four architectures here
/// share llama.cpp's spellings; the per-architecture parts are which of them are required.
struct TensorNames: Sendable {
    let architecture: ModelArchitecture

    let tokenEmbedding = "token_embd.weight"
    let outputNorm = "output_norm.weight"
    let output = "output.weight"

    func attentionNorm(_ layer: Int) -> String { "blk.\(layer).attn_norm.weight" }
    func query(_ layer: Int) -> String { "blk.\(layer).attn_q.weight" }
    func key(_ layer: Int) -> String { "blk.\(layer).attn_k.weight" }
    func value(_ layer: Int) -> String { "blk.\(layer).attn_v.weight" }
    func queryBias(_ layer: Int) -> String { "blk.\(layer).attn_q.bias" }
    func keyBias(_ layer: Int) -> String { "blk.\(layer).attn_k.bias" }
    func valueBias(_ layer: Int) -> String { "blk.\(layer).attn_v.bias" }
    func queryNorm(_ layer: Int) -> String { "blk.\(layer).attn_q_norm.weight" }
    func keyNorm(_ layer: Int) -> String { "blk.\(layer).attn_k_norm.weight" }
    func attentionOutput(_ layer: Int) -> String { "blk.\(layer).attn_output.weight" }
    func postAttentionNorm(_ layer: Int) -> String { "blk.\(layer).post_attention_norm.weight" }
    func feedForwardNorm(_ layer: Int) -> String { "blk.\(layer).ffn_norm.weight" }
    func gate(_ layer: Int) -> String { "blk.\(layer).ffn_gate.weight" }
    func up(_ layer: Int) -> String { "blk.\(layer).ffn_up.weight" }
    func down(_ layer: Int) -> String { "blk.\(layer).ffn_down.weight" }
    func postFeedForwardNorm(_ layer: Int) -> String { "blk.\(layer).post_ffw_norm.weight" }
}
