import Hummingbird
import NIOCore

/// The request context of `serve`: Hummingbird's basic context plus the connection's channel, so a handler can see
/// its client go away and stop generating for it.
public struct ServeRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The client's connection.
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}
