import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Reads the first server-sent event from `GET path` on 127.0.0.1 over a plain socket (URLSession on Linux cannot
/// stream an endless body).
enum ServerSentEventReader {
    /// - Returns: the response head and the first `data:` payload, or nil when none arrived within `timeout`.
    static func firstEvent(port: Int, path: String, timeout: Duration = .seconds(10)) -> (head: String, data: String)? {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var receiveTimeout = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &receiveTimeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { return nil }
        let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAccept: text/event-stream\r\n\r\n"
        guard request.withCString({ send(descriptor, $0, strlen($0), 0) }) > 0 else { return nil }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count == 0 { break }
            if count > 0 { received += buffer[0..<count] }
            let text = String(decoding: received, as: UTF8.self)
            guard let headEnd = text.range(of: "\r\n\r\n") else { continue }
            let body = text[headEnd.upperBound...]
            guard let dataStart = body.range(of: "data: "),
                let dataEnd = body[dataStart.upperBound...].range(of: "\n\n")
            else { continue }
            return (String(text[..<headEnd.lowerBound]), String(body[dataStart.upperBound..<dataEnd.lowerBound]))
        }
        return nil
    }
}
