import AccessPointCore
import NIOCore
import NetworkAddressing

/// Answers length-prefixed DNS queries on one TCP connection, in order, on the event loop (RFC 7766).
///
/// A plain handler, like the UDP one: answers never wait for a task on Swift's cooperative pool, so a process
/// busy with other async work (the router streaming objects) still answers TCP queries at once. The framed
/// responses to the queries of one read are written back to back into one reused buffer, handed to NIO as one
/// write when the read ends and flushed, so a query costs no buffer allocation of its own.
final class DNSTCPHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let currentResponder: @Sendable () -> Responder
    private var source: IPAddress?
    /// Reused for every query on this connection (see `DNSWorkspace`).
    private var workspace = DNSWorkspace()
    /// This read's framed responses; cleared (and so reused, once NIO has written the previous ones) when the
    /// next read's first response is written.
    private var batch = ByteBufferAllocator().buffer(capacity: 2048)
    private var batchHasResponses = false

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
            message.withUnsafeReadableBytes({
                responder.respond(to: $0, from: source, overTCP: true, using: &workspace)
            })
        else { return }
        if !batchHasResponses {
            batch.clear()
            batchHasResponses = true
        }
        batch.writeInteger(UInt16(workspace.writer.bytes.count))
        batch.writeBytes(workspace.writer.bytes)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if batchHasResponses {
            context.write(Self.wrapOutboundOut(batch), promise: nil)
            batchHasResponses = false
        }
        context.flush()
    }

    /// A framing error or a reset ends this connection only.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

@available(*, unavailable)
extension DNSTCPHandler: Sendable {}
