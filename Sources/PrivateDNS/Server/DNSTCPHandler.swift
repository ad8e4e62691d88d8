import AccessPointCore
import NIOCore
import NetworkAddressing

/// Answers length-prefixed DNS queries on one TCP connection, in order, on the event loop (RFC 7766).
///
/// A plain handler, like the UDP one: answers never wait for a task on Swift's cooperative pool, so a process
/// busy with other async work (the router streaming objects) still answers TCP queries at once.
final class DNSTCPHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let currentResponder: @Sendable () -> Responder
    private var source: IPAddress?

    init(currentResponder: @escaping @Sendable () -> Responder) {
        self.currentResponder = currentResponder
    }

    func channelActive(context: ChannelHandlerContext) {
        source = context.remoteAddress?.peerIPAddress
        if source == nil { context.close(promise: nil) }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let source else { return }
        let message = Self.unwrapInboundIn(data)
        let responder = currentResponder()
        guard
            let response = message.withUnsafeReadableBytes({
                responder.respond(to: $0, from: source, overTCP: true)
            })
        else { return }
        var framed = context.channel.allocator.buffer(capacity: response.count + 2)
        framed.writeInteger(UInt16(response.count))
        framed.writeBytes(response)
        context.write(Self.wrapOutboundOut(framed), promise: nil)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }

    /// A framing error or a reset ends this connection only.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

@available(*, unavailable)
extension DNSTCPHandler: Sendable {}
