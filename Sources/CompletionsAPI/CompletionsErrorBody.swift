/// An OpenAI-style error body: `{"error": {"message": ..., "type": ..., "param": ..., "code": ...}}`.
public struct CompletionsErrorBody: Codable, Sendable, Equatable {
    /// The error.
    public struct Detail: Codable, Sendable, Equatable {
        /// What was wrong and how to fix it.
        public var message: String
        /// `invalid_request_error` for a bad request, `server_error` for a failure of the server.
        public var type: String
        /// The request field at fault, if one is.
        public var param: String?
        /// The HTTP status as a number, as vLLM sends it.
        public var code: Int?

        /// Creates an error detail.
        public init(message: String, type: String, param: String? = nil, code: Int? = nil) {
            self.message = message
            self.type = type
            self.param = param
            self.code = code
        }
    }

    /// The error.
    public var error: Detail

    /// Creates an error body.
    public init(error: Detail) { self.error = error }
}
