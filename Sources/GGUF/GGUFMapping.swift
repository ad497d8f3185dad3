#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The sole owner of a read-only memory mapping of a whole file; unmaps it in `deinit`.
///
/// `@unchecked Sendable`: the mapping is `PROT_READ` and never changes after `init`, so concurrent reads are safe.
final class GGUFMapping: @unchecked Sendable {
    let bytes: UnsafeRawBufferPointer

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

    deinit {
        if let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
    }
}
