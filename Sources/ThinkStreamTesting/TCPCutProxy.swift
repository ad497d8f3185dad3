import Foundation
import Glibc
import Synchronization

/// A loopback TCP proxy a test owns: it forwards `127.0.0.1:port` to `127.0.0.1:upstreamPort` and can cut the
/// network between its clients and the upstream, then heal it.
///
/// ``cut(_:)`` resets every live connection and, until ``heal()``, treats new ones as the ``CutMode`` says: `.refuse`
/// accepts and resets them at once (the client sees its connection reset, as from a host that is down), `.blackhole`
/// accepts and holds them without reading or answering (the client's requests time out, as across a partition).
/// Forwarding runs on one dedicated thread with `poll(2)` over non-blocking sockets; every buffer is bounded
/// (`bufferBytes` per direction of a connection) and at most `maxConnections` connections live at once.
/// Call ``stop()`` when done: the thread holds the proxy until then.
public final class TCPCutProxy: Sendable {
    public enum CutMode: String, Sendable {
        /// New connections are accepted and reset at once.
        case refuse
        /// New connections are accepted and held, never answered; they are reset when the cut heals.
        case blackhole
    }

    /// What the proxy did so far, for a test to check that a cut really met live traffic.
    public struct Statistics: Sendable, Equatable {
        /// Connections forwarded to the upstream.
        public var forwarded = 0
        /// Live connections reset by a cut.
        public var resetByCut = 0
        /// Connections refused or blackholed while cut.
        public var refusedWhileCut = 0
        /// Bytes forwarded in both directions.
        public var bytes = 0
        /// Connections whose upstream could not be reached (the upstream itself was down).
        public var upstreamFailures = 0
    }

    /// The port clients connect to.
    public let port: Int
    public let upstreamPort: Int
    private let control = Mutex(Control())
    private let finished = Atomic<Bool>(false)
    private let wakeDescriptors: (read: Int32, write: Int32)

    private struct Control {
        var mode: CutMode?
        /// Bumped by each cut, so the thread resets the live connections once per cut.
        var cutGeneration = 0
        var stopping = false
        var statistics = Statistics()
    }

    /// Starts listening on `127.0.0.1:port` (0: a free port) and forwarding on a thread named `tcp-cut-proxy`.
    /// - Throws: `POSIXError` when the listening socket cannot be set up.
    public init(upstreamPort: Int, port: Int = 0, maxConnections: Int = 256, bufferBytes: Int = 1 << 20) throws {
        let listener = try Self.listen(port: port)
        var bound = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &bound) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        self.port = Int(UInt16(bigEndian: bound.sin_port))
        self.upstreamPort = upstreamPort
        var pipeDescriptors: [Int32] = [0, 0]
        guard pipe(&pipeDescriptors) == 0 else {
            close(listener)
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        for descriptor in pipeDescriptors {
            Self.setNonBlocking(descriptor)
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        }
        wakeDescriptors = (pipeDescriptors[0], pipeDescriptors[1])
        let loop = ForwardingLoop(
            listener: listener, wake: pipeDescriptors[0], upstreamPort: upstreamPort, maxConnections: maxConnections,
            bufferBytes: bufferBytes)
        let thread = Thread { [self] in
            var loop = loop
            loop.run(proxy: self)
            close(wakeDescriptors.read)
            close(wakeDescriptors.write)
            finished.store(true, ordering: .releasing)
        }
        thread.name = "tcp-cut-proxy"
        thread.start()
    }

    /// `127.0.0.1:port`, the bootstrap address clients should use.
    public var address: String { "127.0.0.1:\(port)" }

    /// Whether the network is cut now, and how.
    public var cutMode: CutMode? { control.withLock { $0.mode } }

    public var statistics: Statistics { control.withLock { $0.statistics } }

    /// Resets every live connection and refuses or blackholes new ones until ``heal()``.
    public func cut(_ mode: CutMode = .refuse) {
        control.withLock {
            $0.mode = mode
            $0.cutGeneration += 1
        }
        wake()
    }

    /// Forwards new connections again (and resets the ones a blackhole held).
    public func heal() {
        control.withLock { $0.mode = nil }
        wake()
    }

    /// Cuts for `duration`, then heals.
    public func cut(_ mode: CutMode = .refuse, for duration: Duration) async {
        cut(mode)
        try? await Task.sleep(for: duration)
        heal()
    }

    /// Closes every connection and the listener, and waits (up to 5 s) for the thread to end. Idempotent.
    public func stop() {
        let alreadyStopping = control.withLock { control -> Bool in
            defer { control.stopping = true }
            return control.stopping
        }
        guard !alreadyStopping else { return }
        wake()
        let deadline = ContinuousClock.now + .seconds(5)
        while !finished.load(ordering: .acquiring), ContinuousClock.now < deadline { usleep(1000) }
    }

    private func wake() {
        var byte: UInt8 = 1
        _ = write(wakeDescriptors.write, &byte, 1)
    }

    fileprivate func snapshot() -> (mode: CutMode?, cutGeneration: Int, stopping: Bool) {
        control.withLock { ($0.mode, $0.cutGeneration, $0.stopping) }
    }

    fileprivate func count(_ update: (inout Statistics) -> Void) { control.withLock { update(&$0.statistics) } }

    private static func listen(port: Int) throws -> Int32 {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard listener >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        var yes: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = loopback(port: port)
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, Glibc.listen(listener, 128) == 0, setNonBlocking(listener) else {
            let code = errno
            close(listener)
            throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)
        }
        return listener
    }

    fileprivate static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return address
    }

    @discardableResult
    fileprivate static func setNonBlocking(_ descriptor: Int32) -> Bool {
        fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK) == 0
    }

    /// Closes with a reset (SO_LINGER 0) rather than an orderly FIN: the peer sees the connection fail, not end.
    fileprivate static func reset(_ descriptor: Int32) {
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        close(descriptor)
    }
}

/// The proxy thread's state: every descriptor below is used by that thread only.
private struct ForwardingLoop {
    let listener: Int32
    let wake: Int32
    let upstreamPort: Int
    let maxConnections: Int
    let bufferBytes: Int

    /// One proxied connection: client and upstream sockets, and the bytes read from one side not yet written to
    /// the other.
    struct Pair {
        var client: Int32
        var upstream: Int32
        var toUpstream: [UInt8] = []
        var toClient: [UInt8] = []
        var closed = false
    }

    var pairs: [Pair] = []
    /// Connections accepted during a blackhole cut, held unanswered until the cut heals.
    var held: [Int32] = []
    var seenCutGeneration = 0

    init(listener: Int32, wake: Int32, upstreamPort: Int, maxConnections: Int, bufferBytes: Int) {
        self.listener = listener
        self.wake = wake
        self.upstreamPort = upstreamPort
        self.maxConnections = maxConnections
        self.bufferBytes = bufferBytes
    }

    mutating func run(proxy: TCPCutProxy) {
        var scratch = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let control = proxy.snapshot()
            if control.stopping { break }
            if control.cutGeneration != seenCutGeneration {
                seenCutGeneration = control.cutGeneration
                let live = pairs.count
                for pair in pairs { resetPair(pair) }
                pairs = []
                proxy.count { $0.resetByCut += live }
            }
            if control.mode != .blackhole, !held.isEmpty {
                held.forEach(TCPCutProxy.reset)
                held = []
            }
            var descriptors = [
                pollfd(fd: wake, events: Int16(POLLIN), revents: 0),
                pollfd(fd: listener, events: Int16(POLLIN), revents: 0),
            ]
            for pair in pairs {
                descriptors.append(
                    pollfd(
                        fd: pair.client,
                        events: Int16(pair.toUpstream.isEmpty ? POLLIN : 0)
                            | Int16(pair.toClient.isEmpty ? 0 : POLLOUT), revents: 0))
                descriptors.append(
                    pollfd(
                        fd: pair.upstream,
                        events: Int16(pair.toClient.isEmpty ? POLLIN : 0)
                            | Int16(pair.toUpstream.isEmpty ? 0 : POLLOUT), revents: 0))
            }
            guard poll(&descriptors, nfds_t(descriptors.count), 1000) >= 0 || errno == EINTR else { break }
            if descriptors[0].revents != 0 {
                var drain = [UInt8](repeating: 0, count: 64)
                while read(wake, &drain, drain.count) > 0 {}
            }
            let polled = pairs.count  // connections accepted below were not polled yet
            if descriptors[1].revents & Int16(POLLIN) != 0 { acceptAll(mode: control.mode, proxy: proxy) }
            for index in 0..<polled {
                let clientEvents = descriptors[2 + 2 * index].revents
                let upstreamEvents = descriptors[3 + 2 * index].revents
                var pair = pairs[index]
                var forwarded = 0
                if clientEvents & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
                    transfer(from: pair.client, into: &pair.toUpstream, closed: &pair.closed, scratch: &scratch)
                }
                if upstreamEvents & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
                    transfer(from: pair.upstream, into: &pair.toClient, closed: &pair.closed, scratch: &scratch)
                }
                forwarded += flush(&pair.toUpstream, to: pair.upstream, closed: &pair.closed)
                forwarded += flush(&pair.toClient, to: pair.client, closed: &pair.closed)
                pairs[index] = pair
                if forwarded > 0 { proxy.count { $0.bytes += forwarded } }
            }
            for pair in pairs where pair.closed {
                close(pair.client)
                close(pair.upstream)
            }
            pairs.removeAll { $0.closed }
        }
        for pair in pairs { resetPair(pair) }
        held.forEach(TCPCutProxy.reset)
        close(listener)
    }

    private mutating func acceptAll(mode: TCPCutProxy.CutMode?, proxy: TCPCutProxy) {
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { return }
            _ = fcntl(client, F_SETFD, FD_CLOEXEC)
            switch mode {
            case .refuse:
                TCPCutProxy.reset(client)
                proxy.count { $0.refusedWhileCut += 1 }
            case .blackhole:
                if held.count < maxConnections { held.append(client) } else { TCPCutProxy.reset(client) }
                proxy.count { $0.refusedWhileCut += 1 }
            case nil:
                guard pairs.count < maxConnections, let upstream = connectUpstream() else {
                    TCPCutProxy.reset(client)
                    proxy.count { $0.upstreamFailures += 1 }
                    continue
                }
                TCPCutProxy.setNonBlocking(client)
                var yes: Int32 = 1
                setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
                pairs.append(Pair(client: client, upstream: upstream))
                proxy.count { $0.forwarded += 1 }
            }
        }
    }

    /// A connected, non-blocking socket to the upstream, or nil when it refuses (a loopback connect answers at once).
    private func connectUpstream() -> Int32? {
        let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard upstream >= 0 else { return nil }
        var address = TCPCutProxy.loopback(port: upstreamPort)
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(upstream)
            return nil
        }
        var yes: Int32 = 1
        setsockopt(upstream, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
        TCPCutProxy.setNonBlocking(upstream)
        return upstream
    }

    /// Reads what `source` has (up to the buffer bound); end of stream or an error closes the pair.
    private func transfer(from source: Int32, into buffer: inout [UInt8], closed: inout Bool, scratch: inout [UInt8]) {
        while buffer.count < bufferBytes {
            let count = scratch.withUnsafeMutableBytes {
                recv(source, $0.baseAddress, min($0.count, bufferBytes - buffer.count), 0)
            }
            if count > 0 {
                buffer.append(contentsOf: scratch[0..<count])
                continue
            }
            if count < 0, errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { return }
            closed = true
            return
        }
    }

    /// Writes as much of `buffer` to `destination` as it takes now; returns the bytes written.
    private func flush(_ buffer: inout [UInt8], to destination: Int32, closed: inout Bool) -> Int {
        var written = 0
        while written < buffer.count {
            let count = buffer.withUnsafeBytes { bytes in
                send(destination, bytes.baseAddress! + written, bytes.count - written, Int32(MSG_NOSIGNAL))
            }
            if count > 0 {
                written += count
                continue
            }
            if count < 0, errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { break }
            closed = true
            break
        }
        buffer.removeFirst(written)
        return written
    }

    private func resetPair(_ pair: Pair) {
        TCPCutProxy.reset(pair.client)
        TCPCutProxy.reset(pair.upstream)
    }
}
