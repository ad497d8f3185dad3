// libFuzzer target for `GGUFFile`: any bytes must open or throw `GGUFError`, never trap, read out of bounds or make
// an allocation the header's counts ask for without the bytes to back it. A file that opens is then used the way
// a model loader uses it: every tensor's element count and bytes, every metadata value through the typed accessors.

import GGUF

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGGUFReader(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let file: GGUFFile
    do {
        file = try GGUFFile(bytes: UnsafeRawBufferPointer(start: data, count: size), name: "fuzz.gguf")
    } catch is GGUFError {
        return 0
    } catch {
        fatalError("GGUFFile threw a \(type(of: error)), not a GGUFError: \(error)")
    }
    var sink = 0
    for tensor in file.tensors {
        sink &+= tensor.elementCount
        file.withUnsafeBytes(of: tensor) { bytes in
            if let first = bytes.first, let last = bytes.last { sink &+= Int(first) &+ Int(last) }
        }
        if file.tensor(named: tensor.name) != tensor { fatalError("tensor(named: \(tensor.name)) finds another entry") }
    }
    let metadata = file.metadata
    for key in metadata.keys {
        sink &+= metadata.int(key) ?? 0
        sink &+= metadata.string(key)?.utf8.count ?? 0
        sink &+= metadata.float(key).map { Int($0.isFinite ? 1 : 0) } ?? 0
        sink &+= metadata.stringArray(key)?.count ?? 0
        sink &+= metadata.intArray(key)?.count ?? 0
        sink &+= metadata.floatArray(key)?.count ?? 0
        sink &+= metadata.int32Array(key)?.count ?? 0
    }
    keep(sink)
    return 0
}

/// Keeps `value`, and so every read above, from being optimized away.
@_optimize(none) func keep(_ value: Int) {}
