// libFuzzer target for `JSONParser.parse`: any bytes must parse or throw `JSONParser.SyntaxError`, never trap or read
// out of bounds. A value that parses must survive `JSONWriter` and parse back to itself.
import JSON

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONParser(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let value = try? JSONParser.parse(UnsafeBufferPointer(start: data, count: size)) else { return 0 }
    let written = JSONWriter.encode(value)
    do {
        let reparsed = try JSONParser.parse(written)
        if reparsed != value {
            fatalError("round trip changed the value: wrote \(String(decoding: written, as: UTF8.self))")
        }
    } catch {
        fatalError("JSONWriter wrote text JSONParser refuses (\(error)): \(String(decoding: written, as: UTF8.self))")
    }
    return 0
}
