#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The sole owner of the bytes of a whole GGUF file: a read-only memory mapping, unmapped in `deinit`, or a copy in
/// memory, freed in `deinit`.
///
/// `@unchecked Sendable`: the bytes are `PROT_READ` (or never written) and never change after `init`, so concurrent
/// reads are safe.
final class GGUFMapping: @unchecked Sendable {
    let bytes: UnsafeRawBufferPointer
    private let isMapped: Bool

    /// Maps `path` read-only. Wraps `open`, `fstat` and `mmap`.
    init(path: String) throws {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw GGUFError(
                .ioFailure, "\(path): cannot open (errno \(errno)); check that the file exists and is readable")
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw GGUFError(.ioFailure, "\(path): fstat failed (errno \(errno))")
        }
        isMapped = true
        let size = Int(status.st_size)
        guard size > 0 else {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), address != MAP_FAILED else {
            throw GGUFError(.ioFailure, "\(path): mmap of \(size) bytes failed (errno \(errno))")
        }
        bytes = UnsafeRawBufferPointer(start: address, count: size)
    }

    /// Copies `contents` into memory this object owns, 64-byte aligned (a mapping is page-aligned): enough for any
    /// SIMD load of tensor data.
    init(copying contents: UnsafeRawBufferPointer) {
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: contents.count, alignment: 64)
        if contents.count > 0 { copy.copyMemory(from: contents) }
        bytes = UnsafeRawBufferPointer(copy)
        isMapped = false
    }

    /// Drops the whole pages inside `range` from this process's resident memory (`madvise(MADV_DONTNEED)`); they
    /// stay readable, and a later read faults them back from the file. A copy in memory keeps its bytes.
    func releaseResidentPages(_ range: Range<Int>) {
        guard isMapped, let base = bytes.baseAddress else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = (range.lowerBound + page - 1) / page * page
        let end = min(range.upperBound, bytes.count) / page * page
        guard end > start else { return }
        _ = madvise(UnsafeMutableRawPointer(mutating: base + start), end - start, Int32(MADV_DONTNEED))
    }

    deinit {
        if isMapped {
            if let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
        } else {
            bytes.deallocate()
        }
    }
}
