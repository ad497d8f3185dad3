// Hugging Face LlamaForCausalLM export: tensor names, the q/k row order, and config.json.
// llama.cpp's "normal" RoPE rotates adjacent pairs (2i, 2i+1); HF rotates halves (i, i + headDim/2).
// convert_hf_to_gguf.py permutes q/k rows per head: gguf row h*hd + 2i + j = HF row h*hd + j*hd/2 + i (j in 0, 1);
// the export applies the inverse.
// Legend: hd = headDim, h = head, i = pair index in 0..<hd/2, C = dModel, nHeads/nKVHeads = heads.
import Tensors

extension LlamaModel {
    /// Every tensor under its Hugging Face name, with q/k rows reordered to HF's half-split RoPE layout;
    /// `lm_head.weight` appears only when the embeddings are untied.
    public func huggingFaceTensors() -> [(name: String, shape: [Int], values: [Float])] {
        var result: [(name: String, shape: [Int], values: [Float])] = []
        for tensor in layout.tensors {
            var values = Array(UnsafeBufferPointer(start: parameters.pointer + tensor.offset, count: tensor.count))
            if tensor.name.hasSuffix("attn_q.weight") {
                values = Self.unpermuteRoPERows(
                    values, heads: config.nHeads, headDim: config.headDim, columns: config.dModel)
            } else if tensor.name.hasSuffix("attn_k.weight") {
                values = Self.unpermuteRoPERows(
                    values, heads: config.nKVHeads, headDim: config.headDim, columns: config.dModel)
            }
            result.append((Self.huggingFaceName(tensor.name), tensor.shape, values))
        }
        return result
    }

    /// `config.json` for `LlamaForCausalLM` describing this model.
    ///
    /// - Parameters:
    ///   - maxPositionEmbeddings: the context length to declare.
    ///   - bosTokenID, eosTokenID: `bos_token_id` / `eos_token_id` to record; without them transformers assumes 1 and
    ///     2, wrong for most tokenizers (the byte tokenizer of fresh models has EOS 0).
    public func huggingFaceConfigJSON(maxPositionEmbeddings: Int = 8192, bosTokenID: Int? = nil, eosTokenID: Int? = nil)
        -> String
    {
        let special = [("bos_token_id", bosTokenID), ("eos_token_id", eosTokenID)]
            .compactMap { key, value in value.map { "  \"\(key)\": \($0),\n" } }.joined()
        return """
            {
              "architectures": ["LlamaForCausalLM"],
              "model_type": "llama",
            \(special)  "vocab_size": \(config.vocab),
              "hidden_size": \(config.dModel),
              "intermediate_size": \(config.ffnHidden),
              "num_hidden_layers": \(config.nLayers),
              "num_attention_heads": \(config.nHeads),
              "num_key_value_heads": \(config.nKVHeads),
              "head_dim": \(config.headDim),
              "hidden_act": "silu",
              "rms_norm_eps": \(config.rmsEps),
              "rope_theta": \(config.ropeBase),
              "max_position_embeddings": \(maxPositionEmbeddings),
              "tie_word_embeddings": \(config.tiedEmbeddings),
              "attention_bias": false,
              "mlp_bias": false,
              "torch_dtype": "float32"
            }

            """
    }

    /// The Hugging Face name of a llama.cpp tensor name.
    static func huggingFaceName(_ name: String) -> String {
        let fixed = [
            "token_embd.weight": "model.embed_tokens.weight", "output_norm.weight": "model.norm.weight",
            "output.weight": "lm_head.weight",
        ]
        if let mapped = fixed[name] { return mapped }
        let parts = name.split(separator: ".", maxSplits: 2)  // blk, <l>, <suffix>
        precondition(parts.count == 3 && parts[0] == "blk", "unknown tensor \(name)")
        let suffixes = [
            "attn_norm.weight": "input_layernorm.weight", "attn_q.weight": "self_attn.q_proj.weight",
            "attn_k.weight": "self_attn.k_proj.weight", "attn_v.weight": "self_attn.v_proj.weight",
            "attn_output.weight": "self_attn.o_proj.weight", "ffn_norm.weight": "post_attention_layernorm.weight",
            "ffn_gate.weight": "mlp.gate_proj.weight", "ffn_up.weight": "mlp.up_proj.weight",
            "ffn_down.weight": "mlp.down_proj.weight",
        ]
        guard let suffix = suffixes[String(parts[2])] else { preconditionFailure("unknown tensor \(name)") }
        return "model.layers.\(parts[1]).\(suffix)"
    }

    /// The inverse of convert_hf_to_gguf's `permute`: HF row `h*hd + j*hd/2 + i` takes gguf row `h*hd + 2i + j`.
    ///
    /// - Parameters:
    ///   - values: gguf-ordered rows. // [heads * headDim, columns]
    ///   - heads: heads in the tensor.
    ///   - headDim: head width.
    ///   - columns: row width.
    public static func unpermuteRoPERows(_ values: [Float], heads: Int, headDim: Int, columns: Int) -> [Float] {
        precondition(values.count == heads * headDim * columns, "unpermuteRoPERows: size mismatch")
        var out = [Float](repeating: 0, count: values.count)  // [heads * headDim, columns]
        let half = headDim / 2
        for h in 0..<heads {
            for i in 0..<half {
                for j in 0..<2 {
                    let source = (h * headDim + 2 * i + j) * columns
                    let target = (h * headDim + j * half + i) * columns
                    for c in 0..<columns { out[target + c] = values[source + c] }
                }
            }
        }
        return out
    }
}
