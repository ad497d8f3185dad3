/// The body of `POST /v1/completions` (OpenAI's legacy completions API, as vLLM, SGLang and llama.cpp's server
/// accept it). Absent fields take the server's defaults; `top_k` and `min_p` are the vLLM/llama.cpp extensions.
public struct CompletionRequest: Codable, Sendable, Equatable {
    /// The model name; servers with one model may ignore it.
    public var model: String?
    /// What to continue.
    public var prompt: CompletionPrompt
    /// Tokens to generate at most (OpenAI's default is 16); 0 with `echo` only scores the prompt.
    public var maxTokens: Int?
    /// Softmax temperature; 0 is greedy.
    public var temperature: Double?
    /// Nucleus sampling threshold in (0, 1].
    public var topP: Double?
    /// Keep the k most likely tokens (0 or -1: all).
    public var topK: Int?
    /// Drop tokens less likely than min_p times the most likely one.
    public var minP: Double?
    /// Seed of the sampler.
    public var seed: Int64?
    /// Strings that end generation (not returned).
    public var stop: [String]?
    /// Return the log-probability of each token and this many most likely alternatives per position.
    public var logprobs: Int?
    /// Return the prompt before the completion (with its log-probabilities when `logprobs` is set).
    public var echo: Bool?
    /// Stream the completion as server-sent events.
    public var stream: Bool?
    /// Completions per prompt; only 1 is supported by ThinkStream's server.
    public var n: Int?
    /// OpenAI's presence penalty (-2 … 2).
    public var presencePenalty: Double?
    /// OpenAI's frequency penalty (-2 … 2).
    public var frequencyPenalty: Double?
    /// The vLLM/llama.cpp repetition penalty (1 is off).
    public var repetitionPenalty: Double?
    /// ThinkStream's n-gram blocking: never complete an n-gram of this many generated tokens twice (0 is off). Other
    /// servers ignore the field.
    public var noRepeatNgramSize: Int?

    /// Creates a request.
    public init(
        model: String? = nil, prompt: CompletionPrompt, maxTokens: Int? = nil, temperature: Double? = nil,
        topP: Double? = nil, topK: Int? = nil, minP: Double? = nil, seed: Int64? = nil, stop: [String]? = nil,
        logprobs: Int? = nil, echo: Bool? = nil, stream: Bool? = nil, n: Int? = nil, presencePenalty: Double? = nil,
        frequencyPenalty: Double? = nil, repetitionPenalty: Double? = nil, noRepeatNgramSize: Int? = nil
    ) {
        self.presencePenalty = presencePenalty
        self.frequencyPenalty = frequencyPenalty
        self.repetitionPenalty = repetitionPenalty
        self.noRepeatNgramSize = noRepeatNgramSize
        self.model = model
        self.prompt = prompt
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.topP = topP
        self.topK = topK
        self.minP = minP
        self.seed = seed
        self.stop = stop
        self.logprobs = logprobs
        self.echo = echo
        self.stream = stream
        self.n = n
    }

    enum CodingKeys: String, CodingKey {
        case model, prompt, temperature, seed, stop, logprobs, echo, stream, n
        case maxTokens = "max_tokens"
        case topP = "top_p"
        case topK = "top_k"
        case minP = "min_p"
        case presencePenalty = "presence_penalty"
        case frequencyPenalty = "frequency_penalty"
        case repetitionPenalty = "repetition_penalty"
        case noRepeatNgramSize = "no_repeat_ngram_size"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        model = try container.decodeIfPresent(String.self, forKey: .model)
        prompt = try container.decode(CompletionPrompt.self, forKey: .prompt)
        maxTokens = try container.decodeIfPresent(Int.self, forKey: .maxTokens)
        temperature = try container.decodeIfPresent(Double.self, forKey: .temperature)
        topP = try container.decodeIfPresent(Double.self, forKey: .topP)
        topK = try container.decodeIfPresent(Int.self, forKey: .topK)
        minP = try container.decodeIfPresent(Double.self, forKey: .minP)
        seed = try container.decodeIfPresent(Int64.self, forKey: .seed)
        // `stop` is a string or an array of strings.
        if let single = try? container.decodeIfPresent(String.self, forKey: .stop) {
            stop = [single]
        } else {
            stop = try container.decodeIfPresent([String].self, forKey: .stop)
        }
        logprobs = try container.decodeIfPresent(Int.self, forKey: .logprobs)
        echo = try container.decodeIfPresent(Bool.self, forKey: .echo)
        stream = try container.decodeIfPresent(Bool.self, forKey: .stream)
        n = try container.decodeIfPresent(Int.self, forKey: .n)
        presencePenalty = try container.decodeIfPresent(Double.self, forKey: .presencePenalty)
        frequencyPenalty = try container.decodeIfPresent(Double.self, forKey: .frequencyPenalty)
        repetitionPenalty = try container.decodeIfPresent(Double.self, forKey: .repetitionPenalty)
        noRepeatNgramSize = try container.decodeIfPresent(Int.self, forKey: .noRepeatNgramSize)
    }
}

/// The `prompt` of a completions request: one text, one token-id list, or a batch of either.
public enum CompletionPrompt: Codable, Sendable, Equatable {
    /// One prompt as text.
    case text(String)
    /// One prompt as token ids.
    case tokens([Int])
    /// Several prompts as text, one choice each.
    case texts([String])
    /// Several prompts as token ids, one choice each.
    case tokenLists([[Int]])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            self = .text(text)
        } else if let tokens = try? container.decode([Int].self) {
            self = .tokens(tokens)
        } else if let texts = try? container.decode([String].self) {
            self = .texts(texts)
        } else if let lists = try? container.decode([[Int]].self) {
            self = .tokenLists(lists)
        } else {
            throw DecodingError.typeMismatch(
                CompletionPrompt.self,
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "expected a string, an array of token ids, or an array of either"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .text(let text): try container.encode(text)
        case .tokens(let tokens): try container.encode(tokens)
        case .texts(let texts): try container.encode(texts)
        case .tokenLists(let lists): try container.encode(lists)
        }
    }
}
