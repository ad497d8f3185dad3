// libFuzzer target for `ShardCodec.decode`: any record value must decode or throw `ShardsError`, never trap, read out
// of bounds or allocate past the decompression cap.
//
// Input: one mode byte, then the bytes.
// - even: the bytes are a record value, decoded as they are (zstd framing, truncation, the decompression cap).
// - odd: the bytes are a decompressed payload (manifest line, sample lines). Random bytes would almost never pass
//   zstd's content checksum or the manifest's sha256, so the harness writes the sample lines' real checksum over
//   the manifest's `"checksum":"sha256:<64 hex>"` when it has one, compresses the payload, and decodes it: this
//   reaches the manifest and sample decoding.

import Shards

/// Small against the 256 MiB default, so a decompression bomb is refused quickly and within the fuzzer's RSS limit.
let maxDecompressedBytes = 1 << 20
let checksumField = Array(#""checksum":"sha256:"#.utf8)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzShardDecoder(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = UnsafeBufferPointer(start: data, count: size)
    guard let mode = input.first else { return 0 }
    var bytes = Array(input.dropFirst())
    if mode & 1 == 1 {
        fixChecksum(&bytes)
        guard let compressed = try? ZstdCompressor.compress(bytes, level: 1) else { return 0 }
        bytes = compressed
    }
    do {
        _ = try ShardCodec.decode(bytes, source: "fuzz", maxDecompressedBytes: maxDecompressedBytes)
    } catch is ShardsError {
    } catch {
        fatalError("ShardCodec.decode threw a \(type(of: error)), not a ShardsError: \(error)")
    }
    return 0
}

/// Overwrites the 64 hex digits after the first line's `"checksum":"sha256:` with the checksum of the lines after it.
func fixChecksum(_ payload: inout [UInt8]) {
    let manifestEnd = payload.firstIndex(of: 0x0A) ?? payload.endIndex
    let manifest = payload[..<manifestEnd]
    guard let fieldStart = manifest.indices.first(where: { manifest[$0...].starts(with: checksumField) }) else {
        return
    }
    let digitsStart = fieldStart + checksumField.count
    guard digitsStart + 64 <= manifestEnd, manifestEnd < payload.endIndex else { return }
    let checksum = ShardCodec.checksum(Array(payload[(manifestEnd + 1)...]))
    payload.replaceSubrange(digitsStart..<digitsStart + 64, with: checksum.utf8.suffix(64))
}
