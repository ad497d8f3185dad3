/// The tokenizer algorithm named by `tokenizer.ggml.model`.
public enum TokenizerModel: String, Sendable {
    /// Byte-level BPE with ranked merges (GGUF `gpt2`).
    case bytePairEncoding = "gpt2"
    /// SentencePiece-style BPE with scores and byte fallback (GGUF `llama`).
    case sentencePiece = "llama"
}
