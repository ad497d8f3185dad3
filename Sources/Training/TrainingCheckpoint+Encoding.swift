// Byte layout of a checkpoint (version 2, all little-endian; version 1 = magic "TSCKPT01" without the trainer state):
//   magic "TSCKPT02" | config: 7 x u64 (vocab, dModel, nLayers, nHeads, nKVHeads, headDim, ffnHidden),
//   f32 rmsEps, f32 ropeBase, u8 tiedEmbeddings | AdamW: f32 beta1, beta2, eps, weightDecay |
//   u64 step, u64 optimizerStep, u64 randomState | u64 offsetCount, offsetCount x (u64 keyBytes, UTF-8 key, i64) |
//   u64 trainerStateBytes, trainerState bytes |
//   u64 P, P x f32 parameters, P x f32 m, P x f32 v | u64 Checksum64.fnv1a64Words of every byte before it.
// Legend: P = parameter count.

extension TrainingCheckpoint {
    static let magic = Array("TSCKPT02".utf8)
    static let magicVersion1 = Array("TSCKPT01".utf8)

    /// The checkpoint as bytes, checksum last.
    public func encoded() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(128 + parameters.count * 12)
        out += Self.magic
        for size in [
            config.vocab, config.dModel, config.nLayers, config.nHeads, config.nKVHeads, config.headDim,
            config.ffnHidden,
        ] {
            append(UInt64(size), to: &out)
        }
        append(config.rmsEps.bitPattern, to: &out)
        append(config.ropeBase.bitPattern, to: &out)
        out.append(config.tiedEmbeddings ? 1 : 0)
        let adam = optimizerConfiguration
        for value in [adam.beta1, adam.beta2, adam.eps, adam.weightDecay] { append(value.bitPattern, to: &out) }
        append(UInt64(step), to: &out)
        append(UInt64(optimizerStep), to: &out)
        append(randomState, to: &out)
        append(UInt64(consumedOffsets.count), to: &out)
        for (key, offset) in consumedOffsets.sorted(by: { $0.key < $1.key }) {
            append(UInt64(key.utf8.count), to: &out)
            out += Array(key.utf8)
            append(UInt64(bitPattern: offset), to: &out)
        }
        append(UInt64(trainerState.count), to: &out)
        out += trainerState
        append(UInt64(parameters.count), to: &out)
        for array in [parameters, firstMoment, secondMoment] {
            array.withUnsafeBytes { out.append(contentsOf: $0) }  // fp32 little-endian on every supported host
        }
        let checksum = out.withUnsafeBytes { Checksum64.fnv1a64Words($0) }
        append(checksum, to: &out)
        return out
    }

    /// Decodes and verifies ``encoded()`` bytes.
    ///
    /// - Parameters:
    ///   - bytes: a whole checkpoint.
    ///   - name: names the source in errors (a file path).
    /// - Throws: `TrainingError` `.corruptCheckpoint` naming `name` and what is wrong.
    public init(decoding bytes: [UInt8], name: String) throws {
        func corrupt(_ reason: String) -> TrainingError {
            TrainingError(.corruptCheckpoint, "\(name): \(reason); delete it or restore it from a copy")
        }
        let version2 = Array(bytes.prefix(8)) == Self.magic
        guard bytes.count >= Self.magic.count + 8, version2 || Array(bytes.prefix(8)) == Self.magicVersion1 else {
            throw corrupt("not a ThinkStream checkpoint (bad magic or \(bytes.count) bytes)")
        }
        var reader = ByteReader(bytes: bytes, end: bytes.count - 8)
        let stored = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: bytes.count - 8, as: UInt64.self) }
        let actual = bytes.withUnsafeBytes {
            Checksum64.fnv1a64Words(UnsafeRawBufferPointer(rebasing: $0[..<(bytes.count - 8)]))
        }
        guard UInt64(littleEndian: stored) == actual else {
            throw corrupt("checksum mismatch (truncated or corrupted, \(bytes.count) bytes)")
        }
        reader.position = 8
        do {
            var sizes: [Int] = []
            for _ in 0..<7 { sizes.append(Int(try reader.u64())) }
            let rmsEps = Float(bitPattern: try reader.u32())
            let ropeBase = Float(bitPattern: try reader.u32())
            let tied = try reader.byte() != 0
            guard sizes.allSatisfy({ $0 > 0 }), sizes[3] % sizes[4] == 0, sizes[5] % 2 == 0 else {
                throw corrupt("invalid model sizes \(sizes)")
            }
            let config = LlamaConfig(
                vocab: sizes[0], dModel: sizes[1], nLayers: sizes[2], nHeads: sizes[3], nKVHeads: sizes[4],
                headDim: sizes[5], ffnHidden: sizes[6], rmsEps: rmsEps, ropeBase: ropeBase, tiedEmbeddings: tied)
            var adam: [Float] = []
            for _ in 0..<4 { adam.append(Float(bitPattern: try reader.u32())) }
            let step = Int(try reader.u64())
            let optimizerStep = Int(try reader.u64())
            let randomState = try reader.u64()
            var offsets: [String: Int64] = [:]
            for _ in 0..<Int(try reader.u64()) {
                let key = String(decoding: try reader.bytes(Int(try reader.u64())), as: UTF8.self)
                offsets[key] = Int64(bitPattern: try reader.u64())
            }
            let trainerState = version2 ? Array(try reader.bytes(Int(try reader.u64()))) : []
            let count = Int(try reader.u64())
            guard count == ParameterLayout(config: config).count else {
                throw corrupt("\(count) parameters, but the config needs \(ParameterLayout(config: config).count)")
            }
            let arrays = try (0..<3).map { _ in try reader.floats(count) }
            guard reader.position == reader.end else { throw corrupt("\(reader.end - reader.position) extra bytes") }
            self.init(
                config: config,
                optimizerConfiguration: AdamWConfiguration(
                    beta1: adam[0], beta2: adam[1], eps: adam[2], weightDecay: adam[3]),
                step: step, parameters: arrays[0], firstMoment: arrays[1], secondMoment: arrays[2],
                optimizerStep: optimizerStep, randomState: randomState, consumedOffsets: offsets,
                trainerState: trainerState)
        } catch is ByteReader.EndOfData {
            throw corrupt("ends early")
        }
    }
}

private func append<Integer: FixedWidthInteger>(_ value: Integer, to out: inout [UInt8]) {
    withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
}

/// A bounds-checked little-endian cursor over `bytes[..<end]`.
struct ByteReader {
    struct EndOfData: Error {}
    let bytes: [UInt8]
    let end: Int
    var position = 0

    init(bytes: [UInt8], end: Int) {
        self.bytes = bytes
        self.end = end
    }

    mutating func bytes(_ count: Int) throws -> ArraySlice<UInt8> {
        guard count >= 0, count <= end - position else { throw EndOfData() }
        defer { position += count }
        return bytes[position..<(position + count)]
    }

    mutating func byte() throws -> UInt8 { try bytes(1).first! }

    mutating func u32() throws -> UInt32 {
        try bytes(4).withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self)) }
    }

    mutating func u64() throws -> UInt64 {
        try bytes(8).withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
    }

    mutating func floats(_ count: Int) throws -> [Float] {
        guard count >= 0, count <= (end - position) / 4 else { throw EndOfData() }
        let slice = try bytes(count * 4)
        return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            slice.withUnsafeBytes { source in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: source)
            }
            initialized = count
        }
    }
}
