import Tokenization

/// The vocabulary a GGUF file declares (`tokenizer.ggml.*`), for `Vocabulary(metadata:)`.
extension GGUFMetadata: VocabularyMetadataSource {}
