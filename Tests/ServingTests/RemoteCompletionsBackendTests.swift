import BrokerLauncher
import Foundation
import Generation
import Inference
import Kafka
import RemoteGeneration
import Testing
import ThinkStreamTesting
import Tokenization

/// The remote backend against `CompletionsServer` on loopback: it must read what the engine would give in process.
@Suite(.serialized, .tags(.integration))
struct RemoteCompletionsBackendTests {
    @Test func remoteBackendReadsWhatTheEngineGives() async throws {
        try await ServerFixture.withServer { base, _ in try await compare(base) }
    }

    private func compare(_ base: URL) async throws {
        let engine = try await ServerFixture.loadedEngine()
        let tokenizer = try #require(await engine.tokenizer)
        let remote = try await RemoteCompletionsBackend.connect(
            configuration: .init(baseURL: base, maxConcurrentRequests: 4), tokenizer: tokenizer)
        #expect(remote.model == ServerFixture.modelName, "the model name comes from /v1/models")

        let tokens = tokenizer.encode("Water boils at one hundred degrees Celsius at sea level.", addSpecial: true)
        let local = try await engine.promptLogProbabilities(tokens: tokens)
        let fetched = try await remote.promptLogProbabilities(tokens: tokens)
        #expect(fetched.count == local.count)
        #expect(zip(fetched, local).allSatisfy { abs($0 - $1) <= 1e-4 })

        let logits = try await engine.lastLogits(tokens: tokens)
        let likely = logits.indices.sorted { logits[$0] > logits[$1] }.prefix(3)
        let candidates = Array(likely) + [tokenizer.encode(" zebra", addSpecial: false).first!]
        let localCandidates = try await engine.nextTokenLogProbabilities(tokens: tokens, candidates: candidates)
        let remoteCandidates = try await remote.nextTokenLogProbabilities(tokens: tokens, candidates: candidates)
        for index in 0..<3 { #expect(abs(localCandidates[index] - remoteCandidates[index]) <= 1e-4) }
        #expect(remoteCandidates[3] == -.infinity || abs(remoteCandidates[3] - localCandidates[3]) <= 1e-4)

        let requests = (0..<3).map {
            GenerationRequest(id: "r\($0)", prompt: .tokens(tokens), maxNewTokens: 12 + $0, stopStrings: ["\n\n"])
        }
        let expected = try await engine.generateAll(requests)
        let results = try await remote.generateAll(requests)
        #expect(results.map(\.id) == requests.map(\.id))
        #expect(results.map(\.text) == expected.map(\.text))
        #expect(results.map(\.finishReason) == expected.map(\.finishReason))

        // The penalties travel to the server: a sampled, penalized, n-gram-blocked request gives the engine's tokens.
        var penalized = SamplingParameters(
            temperature: 0.7, topP: 0.9, seed: 5, presencePenalty: 0.4, frequencyPenalty: 0.2, noRepeatNGramTokens: 3)
        penalized.repetitionPenalty = 1.1
        let request = GenerationRequest(id: "p", prompt: .tokens(tokens), maxNewTokens: 40, sampling: penalized)
        let penalizedLocal = try #require(try await engine.generateAll([request]).first)
        let served = try #require(try await remote.generateAll([request]).first)
        #expect(served.text == penalizedLocal.text)
        let generated = penalizedLocal.tokens
        let trigrams = (0..<max(0, generated.count - 2)).map {
            generated[$0..<($0 + 3)].map(String.init).joined(separator: ",")
        }
        #expect(Set(trigrams).count == trigrams.count, "no 3-token n-gram repeats under blocking")
    }

    @Test func unreachableServerFailsNamingTheURLAfterItsAttempts() async throws {
        let engine = try await ServerFixture.loadedEngine()
        let tokenizer = try #require(await engine.tokenizer)
        let url = URL(string: "http://127.0.0.1:\(EmbeddedBroker.freePort())")!
        let configuration = RemoteCompletionsConfiguration(
            baseURL: url, model: "m", maxAttempts: 2, initialBackoff: .milliseconds(10))
        let error = await #expect(throws: RemoteGenerationError.self) {
            _ = try await RemoteCompletionsBackend.connect(configuration: configuration, tokenizer: tokenizer)
        }
        #expect(error?.code == .unreachable)
        #expect(error?.message.contains(url.absoluteString) == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("2 of 2 attempts") == true, "\(error?.message ?? "")")
    }

    @Test func aClientErrorIsNotRetriedAndNamesStatusAndBody() async throws {
        try await ServerFixture.withServer { base, _ in try await checkClientError(base) }
    }

    private func checkClientError(_ base: URL) async throws {
        let engine = try await ServerFixture.loadedEngine()
        let tokenizer = try #require(await engine.tokenizer)
        let configuration = RemoteCompletionsConfiguration(baseURL: base, model: "no-such-model", maxAttempts: 3)
        let error = await #expect(throws: RemoteGenerationError.self) {
            _ = try await RemoteCompletionsBackend.connect(configuration: configuration, tokenizer: tokenizer)
        }
        #expect(error?.code == .httpStatus)
        #expect(error?.status == 404)
        #expect(error?.message.contains("1 of 3 attempts") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("no-such-model") == true, "\(error?.message ?? "")")
    }

    @Test func badConfigurationIsRefusedNamingTheField() {
        let configuration = RemoteCompletionsConfiguration(baseURL: URL(string: "ftp://x")!)
        #expect(throws: RemoteGenerationError.self) { try configuration.validate() }
        var zero = RemoteCompletionsConfiguration(baseURL: URL(string: "http://127.0.0.1:1")!)
        zero.maxConcurrentRequests = 0
        let error = #expect(throws: RemoteGenerationError.self) { try zero.validate() }
        #expect(error?.message.contains("maxConcurrentRequests 0") == true)
    }
}
