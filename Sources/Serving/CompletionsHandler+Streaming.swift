import CompletionsAPI
import Foundation
import Generation
import Inference
import Observability

extension CompletionsHandler {
    /// Starts generating for a streamed request (the engine refuses a bad prompt here, before any byte is sent).
    ///
    /// - Throws: `ServingError` `.invalidRequest` for what the engine refuses, `.engineFailure` otherwise.
    func startStream(_ plan: CompletionPlan) async throws -> AsyncStream<GenerationEvent> {
        try await Self.engineCall { try await engine.generate(generationRequests(plan)) }
    }

    /// Turns engine events into completion chunks: the echoed prompt first when asked, then each token's new text,
    /// then per choice a last chunk with any text held back and the finish reason.
    ///
    /// - Parameters:
    ///   - write: sends one chunk; its errors (a client gone) end the stream. The engine then still finishes
    ///     the requests, bounded by `max_tokens`.
    func streamChunks(
        _ plan: CompletionPlan, events: AsyncStream<GenerationEvent>, id: String,
        write: (CompletionResponse) async throws -> Void
    ) async throws {
        let created = Int(Date().timeIntervalSince1970)
        func chunk(_ index: Int, _ text: String, finish: (String, String?)? = nil) -> CompletionResponse {
            CompletionResponse(
                id: id, created: created, model: modelName,
                choices: [
                    .init(text: text, index: index, logprobs: nil, finishReason: finish?.0, stopReason: finish?.1)
                ],
                usage: nil)
        }
        if plan.echo {
            for (index, text) in plan.promptTexts.enumerated() { try await write(chunk(index, text)) }
        }
        var emitted = [String](repeating: "", count: plan.prompts.count)
        var generatedTokens = 0
        for await event in events {
            switch event {
            case .token(let requestID, _, let text, _):
                guard let index = Int(requestID), !text.isEmpty else { continue }
                emitted[index] += text
                try await write(chunk(index, text))
            case .finished(let result):
                guard let index = Int(result.id) else { continue }
                generatedTokens += result.tokens.count
                let remainder =
                    result.text.hasPrefix(emitted[index]) ? String(result.text.dropFirst(emitted[index].count)) : ""
                try await write(chunk(index, remainder, finish: finishReason(result, stopStrings: plan.stopStrings)))
            }
        }
        metrics?.tokens(prompt: plan.prompts.reduce(0) { $0 + $1.count }, generated: generatedTokens)
    }
}
