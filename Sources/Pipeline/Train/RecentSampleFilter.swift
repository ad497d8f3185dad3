import Crypto
import Foundation

/// The trainer's duplicate filter in bounded memory: the 128-bit keys of the last ``capacity`` distinct sample ids
/// seen, oldest evicted first.
///
/// - Within the window it is exact up to a 128-bit key collision: a new id is wrongly taken for a duplicate with
///   probability about `capacity / 2^128` (below 1e-32 at the default window), so no unique sample is dropped in
///   practice.
/// - A duplicate arriving more than ``capacity`` distinct samples after its first copy is not caught and is trained
///   again. Duplicates come from a redone transaction or a re-driven document, minutes apart, far inside the window.
/// - Memory: 16 bytes per key in the ring plus the hash set, about 40 MB at the default 1,048,576; a checkpoint
///   stores the ring only (16 MiB at most, base64 in the trainer state).
/// Records before a checkpoint's offsets are never read again after a resume, so the window guards content
/// duplicates, not re-delivery.
public struct RecentSampleFilter: Sendable {
    /// 128 bits of a sample id: the first 16 bytes of its SHA-256.
    public struct Key: Hashable, Sendable {
        public var high: UInt64
        public var low: UInt64
    }

    /// The default window: 2^20 distinct sample ids.
    public static let defaultCapacity = 1 << 20

    public let capacity: Int
    private var ring: [Key] = []
    /// Where the next key goes once the ring is full (the oldest key's slot).
    private var next = 0
    private var members: Set<Key> = []

    public init(capacity: Int = defaultCapacity) {
        precondition(capacity >= 1, "the duplicate window holds at least one id")
        self.capacity = capacity
    }

    /// Keys held now.
    public var count: Int { ring.count }

    public static func key(_ id: String) -> Key {
        let digest = Array(SHA256.hash(data: Array(id.utf8)))
        var high: UInt64 = 0
        var low: UInt64 = 0
        for index in 0..<8 {
            high = high << 8 | UInt64(digest[index])
            low = low << 8 | UInt64(digest[8 + index])
        }
        return Key(high: high, low: low)
    }

    /// Records `id`; false when it is in the window already (a duplicate).
    public mutating func insert(_ id: String) -> Bool { insert(key: Self.key(id)) }

    /// Forgets every id (a new epoch).
    public mutating func removeAll() {
        ring.removeAll()
        members.removeAll()
        next = 0
    }

    /// The keys oldest first, 16 big-endian bytes each, base64: what a checkpoint stores.
    public var serialized: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(ring.count * 16)
        for index in 0..<ring.count {
            let key = ring[(next + index) % ring.count]
            for value in [key.high, key.low] {
                for shift in stride(from: 56, through: 0, by: -8) {
                    bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
                }
            }
        }
        return Data(bytes).base64EncodedString()
    }

    /// Restores keys written by ``serialized`` into a window of `capacity` (the newest kept when it is smaller).
    /// - Throws: `PipelineError` `.invalidConfiguration` for text that is not whole base64 keys.
    public init(capacity: Int, serialized: String) throws {
        self.init(capacity: capacity)
        guard let data = Data(base64Encoded: serialized), data.count % 16 == 0 else {
            throw PipelineError(
                .invalidConfiguration, "the checkpoint's duplicate window is not a whole number of 16-byte keys")
        }
        let bytes = [UInt8](data)
        for offset in stride(from: 0, to: bytes.count, by: 16) {
            var high: UInt64 = 0
            var low: UInt64 = 0
            for index in 0..<8 {
                high = high << 8 | UInt64(bytes[offset + index])
                low = low << 8 | UInt64(bytes[offset + 8 + index])
            }
            _ = insert(key: Key(high: high, low: low))
        }
    }

    /// Adds `key` unless held, evicting the oldest key when full; false when it was held.
    private mutating func insert(key: Key) -> Bool {
        guard members.insert(key).inserted else { return false }
        if ring.count < capacity {
            ring.append(key)
        } else {
            members.remove(ring[next])
            ring[next] = key
            next = (next + 1) % capacity
        }
        return true
    }
}
