import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// JSON over HTTP to one completions server: bounded requests in flight, timeouts, and retries with doubling
/// backoff on 5xx, 429 and connection errors. Errors name the URL, the status and the start of the body.
final class CompletionsHTTPClient: Sendable {
    let configuration: RemoteCompletionsConfiguration
    private let session: URLSession
    private let limit: InFlightLimit

    /// Creates a client for `configuration` (validated by the caller).
    init(configuration: RemoteCompletionsConfiguration) {
        self.configuration = configuration
        let sessionConfiguration = URLSessionConfiguration.ephemeral
        sessionConfiguration.httpMaximumConnectionsPerHost = configuration.maxConcurrentRequests
        sessionConfiguration.timeoutIntervalForRequest = configuration.requestTimeout / .seconds(1)
        sessionConfiguration.timeoutIntervalForResource = configuration.requestTimeout / .seconds(1)
        session = URLSession(configuration: sessionConfiguration)
        limit = InFlightLimit(configuration.maxConcurrentRequests)
    }

    deinit { session.finishTasksAndInvalidate() }

    /// `POST base/path` with `body` as JSON, decoding the answer as `Response`.
    ///
    /// - Throws: `RemoteGenerationError` `.unreachable`, `.httpStatus` or `.malformedResponse`.
    func post<Body: Encodable & Sendable, Response: Decodable>(
        _ path: String, _ body: Body, as response: Response.Type
    ) async throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let data = try encoder.encode(body)
        return try await send(method: "POST", path: path, body: data, as: response)
    }

    /// `GET base/path`, decoding the answer as `Response`.
    ///
    /// - Throws: as ``post(_:_:as:)``.
    func get<Response: Decodable>(_ path: String, as response: Response.Type) async throws -> Response {
        try await send(method: "GET", path: path, body: nil, as: response)
    }

    private func send<Response: Decodable>(
        method: String, path: String, body: Data?, as response: Response.Type
    ) async throws -> Response {
        let url = configuration.baseURL.appendingPathComponent(path)
        var request = URLRequest(url: url, timeoutInterval: configuration.requestTimeout / .seconds(1))
        request.httpMethod = method
        request.httpBody = body
        if body != nil { request.setValue("application/json", forHTTPHeaderField: "Content-Type") }
        let session = session
        let bytes = try await limit.run { [configuration, request] in
            try await Self.sendWithRetries(request, session: session, configuration: configuration)
        }
        do {
            return try JSONDecoder().decode(Response.self, from: bytes)
        } catch {
            throw RemoteGenerationError(
                .malformedResponse,
                "\(method) \(url.absoluteString): the body is not a \(Response.self): \(error); body: "
                    + Self.excerpt(bytes) + "; is this an OpenAI-compatible completions server?",
                cause: error)
        }
    }

    /// One request, tried up to `maxAttempts` times.
    private static func sendWithRetries(
        _ request: URLRequest, session: URLSession, configuration: RemoteCompletionsConfiguration
    ) async throws -> Data {
        let target = "\(request.httpMethod ?? "GET") \(request.url?.absoluteString ?? "?")"
        var backoff = configuration.initialBackoff
        var lastError: RemoteGenerationError?
        for attempt in 1...configuration.maxAttempts {
            if attempt > 1 {
                try await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(10))
            }
            let data: Data
            let response: URLResponse
            do {
                (data, response) = try await session.data(for: request)
            } catch let error as URLError {
                lastError = RemoteGenerationError(
                    .unreachable,
                    "\(target): \(error.localizedDescription) (URLError \(error.code.rawValue)) after \(attempt) of "
                        + "\(configuration.maxAttempts) attempts; is the server running and reachable?",
                    cause: error)
                continue
            }
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            if (200..<300).contains(status) { return data }
            let error = RemoteGenerationError(
                .httpStatus,
                "\(target): HTTP \(status) after \(attempt) of \(configuration.maxAttempts) attempts: "
                    + excerpt(data), status: status)
            guard status >= 500 || status == 429 else { throw error }
            lastError = error
        }
        throw lastError ?? RemoteGenerationError(.unreachable, "\(target): no attempt was made")
    }

    /// The first 300 characters of a body, for error messages.
    static func excerpt(_ data: Data) -> String {
        let text = String(decoding: data.prefix(300), as: UTF8.self)
        return data.count > 300 ? text + "…" : text
    }
}
