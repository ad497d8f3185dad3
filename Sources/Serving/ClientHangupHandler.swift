import NIOCore

/// Closes a connection whose client closed its sending side, so the request being answered on it sees the
/// channel close and stops generating (Hummingbird keeps half-closed connections open, and an HTTP client that
/// stops sending while waiting for its answer is one that went away).
final class ClientHangupHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed = event {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }
}
