import ArgumentParser
import Foundation
import GGUF
import JSON
import Pipeline
import Tokenization

/// `thinkstream tokenize`: the model's token ids (and pieces) for a text.
struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize", abstract: "Print the token ids of a text under a GGUF model's tokenizer.")

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var configFile: ConfigFileOption

    @Argument(help: "The text ('-' reads stdin).")
    var text: String

    @Flag(help: "Do not add BOS/EOS the way the model wants them.")
    var noSpecial = false

    @Flag(help: "Parse special-token text such as <|im_start|> into single tokens.")
    var parseSpecial = false

    @Flag(help: "Print id and piece per line.")
    var pieces = false

    func validate() throws { _ = try modelOptions.resolve(configFile.settings([modelOptions])) }

    func run() throws {
        _ = try CommandBootstrap.start(command: "tokenize")
        do {
            let path = try modelOptions.resolve(configFile.settings([modelOptions])).path()
            let tokenizer = try Tokenizer(vocabulary: try Vocabulary(metadata: try GGUFFile(path: path).metadata))
            let input =
                text == "-" ? String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self) : text
            let ids = tokenizer.encode(input, addSpecial: !noSpecial, parseSpecial: parseSpecial)
            if pieces {
                for id in ids {
                    let piece = String(decoding: tokenizer.piece(for: id, special: true), as: UTF8.self)
                    print("\(id)\t\(String(decoding: JSONWriter.encode(.string(piece)), as: UTF8.self))")
                }
            } else {
                print(ids.map(String.init).joined(separator: " "))
            }
            FileHandle.standardError.write(Data("[\(ids.count) tokens]\n".utf8))
        } catch let error as ValidationError {
            throw error
        } catch {
            throw CommandBootstrap.fail(error)
        }
    }
}
