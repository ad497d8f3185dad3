import GGUF
import Tokenization

extension GGUFMetadata: VocabularyMetadataSource {}
