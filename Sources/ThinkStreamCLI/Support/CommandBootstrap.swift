import ArgumentParser
import Foundation
import Kafka
import Logging
import Pipeline
import RemoteGeneration
import Shards
import Training

/// What every subcommand does first and last: logging set-up, the librdkafka version gate, and turning errors into
/// `error: ...` lines with sysexits codes (64 usage, 65 data, 69 unavailable, 70 internal).
enum CommandBootstrap {
    /// Whether standard error is a terminal (human output and progress) or not (JSON lines).
    static let isTerminal = isatty(STDERR_FILENO) == 1

    /// Sets up logging once and refuses to go on with a librdkafka older than 2.2.
    static func start(command: String, verbose: Bool = false) throws -> Logger {
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler =
                isTerminal ? StreamLogHandler.standardError(label: label) : JSONLogHandler(label: label)
            handler.logLevel = verbose ? .debug : .info
            return handler
        }
        var logger = Logger(label: "thinkstream.\(command)")
        logger.logLevel = verbose ? .debug : .info
        do {
            try RDKafkaLibrary.requireSupportedVersion()
        } catch {
            throw fail(error)
        }
        return logger
    }

    /// Prints `error: <message>` and returns the exit code for this error.
    static func fail(_ error: any Error) -> ExitCode {
        let code: Int32
        switch error {
        case let error as KafkaError:
            switch error.code {
            case .invalidConfiguration: code = 64
            case .brokerUnreachable, .timedOut, .unsupportedLibrary, .fatal: code = 69
            default: code = 70
            }
        case let error as PipelineError:
            switch error.code {
            case .invalidConfiguration, .unreadableInput: code = 64
            case .badRecord, .malformedRecord: code = 65
            case .deliveryFailed: code = 69
            default: code = 70
            }
        case let error as RemoteGenerationError:
            code = error.code == .invalidConfiguration || error.code == .tokenizerMismatch ? 64 : 69
        case let error as ShardsError:
            _ = error
            code = 65
        case let error as TrainingError:
            code = error.code == .unreadableModel ? 64 : 70
        case is ValidationError: code = 64
        default: code = 70
        }
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        return ExitCode(code)
    }
}
