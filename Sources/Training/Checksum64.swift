// A 64-bit FNV-1a variant that folds 8 bytes at a time (Fowler, Noll & Vo; word-wise for speed on GB-sized data).
// Legend: h = hash state, w = next little-endian 64-bit word (or single byte for the tail), prime = 0x100000001b3.

/// The checksum stored at the end of checkpoint files: FNV-1a 64 with the offset basis and prime of the standard,
/// applied to little-endian 64-bit words and then to the 0-7 trailing bytes one at a time.
public enum Checksum64 {
    static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    static let prime: UInt64 = 0x100_0000_01b3

    /// The checksum of `bytes`.
    ///
    /// - Parameters:
    ///   - bytes: the data.
    public static func fnv1a64Words(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h = offsetBasis
        let words = bytes.count / 8
        for i in 0..<words {
            h = (h ^ UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self))) &* prime
        }
        for i in (words * 8)..<bytes.count { h = (h ^ UInt64(bytes[i])) &* prime }
        return h
    }
}
