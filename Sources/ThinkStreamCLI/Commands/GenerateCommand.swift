import ArgumentParser
import Foundation
import Generation
import Inference
import JSON
import Pipeline
import Tokenization

/// `thinkstream generate`: continue a prompt with the local engine, streaming tokens to stdout.
struct GenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate text with the local GGUF engine (streams tokens; --json for a result object).")

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var configFile: ConfigFileOption

    @Option(help: "The prompt text.")
    var prompt: String?

    @Option(help: "Read the prompt from this file ('-' for stdin).")
    var file: String?

    @Flag(help: "Send the prompt as one user turn in the model's chat template.")
    var chat = false

    @Option(help: "System message for --chat.")
    var system: String?

    @Option(help: "Most tokens to generate.")
    var maxTokens = 128

    @Option(help: "Temperature (0 = greedy).")
    var temperature: Float = 0

    @Option(help: "Top-k (0 = off).")
    var topK = 0

    @Option(help: "Top-p (1 = off).")
    var topP: Float = 1

    @Option(help: "Min-p (0 = off).")
    var minP: Float = 0

    @Option(help: "Sampling seed.")
    var seed: UInt64 = 0

    @Option(name: .customLong("stop"), help: "Stop string (repeatable), e.g. --stop '</think>'.")
    var stopStrings: [String] = []

    @Flag(help: "Print one JSON object (text, tokens, finish reason, timings) instead of streaming.")
    var json = false

    func validate() throws { _ = try modelOptions.resolve(configFile.settings([modelOptions])) }

    func run() async throws {
        _ = try CommandBootstrap.start(command: "generate")
        do {
            try await generate()
        } catch let error as ValidationError {
            throw error
        } catch {
            throw CommandBootstrap.fail(error)
        }
    }

    private func promptText() throws -> String {
        if let prompt { return prompt }
        guard let file else { throw ValidationError("give --prompt TEXT or --file PATH") }
        if file == "-" { return String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self) }
        do {
            return try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw ValidationError("--file \(file): cannot read as UTF-8 text (\(error.localizedDescription))")
        }
    }

    private func generate() async throws {
        var text = try promptText()
        let (engine, template, _) = try await modelOptions.loadEngine(configFile.settings([modelOptions]))
        if chat {
            var messages: [ChatMessage] = []
            if let system { messages.append(ChatMessage(role: "system", content: system)) }
            messages.append(ChatMessage(role: "user", content: text))
            text = template.render(messages, addGenerationPrompt: true)
        }
        let request = GenerationRequest(
            id: "cli", prompt: .text(text), maxNewTokens: maxTokens,
            sampling: .init(temperature: temperature, topK: topK, topP: topP, minP: minP, seed: seed),
            stopStrings: stopStrings)
        let started = ContinuousClock.now
        var firstToken: ContinuousClock.Instant?
        var result: GenerationResult?
        for await event in try await engine.generate([request]) {
            switch event {
            case .token(_, _, let piece, _):
                firstToken = firstToken ?? ContinuousClock.now
                if !json {
                    FileHandle.standardOutput.write(Data(piece.utf8))
                }
            case .finished(let finished):
                result = finished
            }
        }
        guard let result else { return }
        let total = (ContinuousClock.now - started).seconds
        let decodeSeconds = firstToken.map { (ContinuousClock.now - $0).seconds } ?? 0
        if json {
            let object: JSONValue = .object([
                ("text", .string(result.text)), ("tokens", .array(result.tokens.map { .number(String($0)) })),
                ("finish_reason", .string(result.finishReason.rawValue)),
                ("prompt_tokens", .number(String(result.promptTokenCount))),
                ("seconds", .number(String(format: "%.3f", total))),
            ])
            print(String(decoding: JSONWriter.encode(object), as: UTF8.self))
        } else {
            print()
            let rate = decodeSeconds > 0 ? Double(max(result.tokens.count - 1, 0)) / decodeSeconds : 0
            FileHandle.standardError.write(
                Data(
                    String(
                        format: "[%d prompt tokens, %d generated, %@, %.1f tokens/s decode, %.2f s]\n",
                        result.promptTokenCount,
                        result.tokens.count, result.finishReason.rawValue, rate, total
                    ).utf8))
        }
    }
}
