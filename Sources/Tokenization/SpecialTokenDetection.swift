/// llama.cpp's load-time detection of end-of-turn, fill-in-the-middle and end-of-generation tokens by their text
/// (llama-vocab.cpp, `load`). Detected tokens that are not `control` are promoted to `control`.
struct SpecialTokenDetection {
    static let endOfTurnTexts: Set<String> = [
        "<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<EOT>", "_<EOT>",
        "<｜end▁of▁sentence｜>", "<end_of_utterance>",
    ]
    static let endOfGenerationTexts: Set<String> = [
        "<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>", "<end_of_turn>", "<|endoftext|>",
        "<|eom_id|>", "<EOT>", "_<EOT>", "<|end_of_text|>", "<end_of_utterance>", "</s>",
    ]
    static let fillInTheMiddleTexts: [[String]] = [
        ["<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>", "<｜fim▁begin｜>", "<PRE>", "▁<PRE>"],
        ["<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>", "<｜fim▁hole｜>", "<SUF>", "▁<SUF>"],
        ["<|fim_middle|>", "<fim-middle>", "<fim_middle>", "<｜fim▁end｜>", "<MID>", "▁<MID>"],
    ]
    /// Pad, repository and file-separator FIM tokens; these also end generation.
    static let fillInTheMiddleEndTexts: [[String]] = [
        ["<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>"],
        ["<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>", "<reponame>"],
        ["<|file_sep|>", "<fim-sep>"],
    ]

    var eotID: Int?
    var endOfGenerationIDs: Set<Int> = []

    /// Detects special tokens and promotes them to `control` in `types`.
    init(idByText: [TokenText: Int], types: inout [TokenType], eosID: Int?, eotID: Int?) {
        func lowestID(_ texts: [String]) -> Int? { texts.compactMap { idByText[TokenText($0)] }.min() }
        func promote(_ id: Int) { if types[id] != .control { types[id] = .control } }

        self.eotID = eotID ?? Self.endOfTurnTexts.compactMap { idByText[TokenText($0)] }.min()
        if let id = self.eotID { promote(id) }
        for texts in Self.fillInTheMiddleTexts { if let id = lowestID(texts) { promote(id) } }
        for texts in Self.fillInTheMiddleEndTexts {
            if let id = lowestID(texts) {
                promote(id)
                endOfGenerationIDs.insert(id)
            }
        }
        for text in Self.endOfGenerationTexts {
            if let id = idByText[TokenText(text)] {
                promote(id)
                endOfGenerationIDs.insert(id)
            }
        }
        if let eosID { endOfGenerationIDs.insert(eosID) }
        if let id = self.eotID { endOfGenerationIDs.insert(id) }
    }
}
