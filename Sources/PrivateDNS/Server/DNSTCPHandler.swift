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
    /// Forwarded questions still waiting, and whether the peer has closed its side.
    private var connection = DNSTCPConnectionStateMachine()

    /// Where questions outside our zones go, when upstream resolvers are configured.
    private let forwarder: DNSForwarder?

    init(currentResponder: @escaping @Sendable () -> Responder, forwarder: DNSForwarder? = nil) {
        self.currentResponder = currentResponder
        self.forwarder = forwarder
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
        switch message.withUnsafeReadableBytes({
            responder.respond(to: $0, from: source, overTCP: true, using: &workspace)
        }) {
        case .none:
            return
        case .forward(let question):
            forward(question, context: context)
            return
        case .response:
            break
        }
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

    /// The slow path: the answer is written on its own when it comes, possibly after answers to later queries
    /// (RFC 7766 §7 lets responses to pipelined queries arrive out of order; clients match them by ID).
    private func forward(_ question: ForwardedQuestion, context: ChannelHandlerContext) {
        guard let forwarder else { return }
        connection.forwardStarted()
        let channel = context.channel
        forwarder.resolve(question, limit: 65535, on: context.eventLoop).assumeIsolated().whenSuccess { bytes in
            if bytes.count <= 65535 {
                var frame = channel.allocator.buffer(capacity: bytes.count + 2)
                frame.writeInteger(UInt16(bytes.count))
                frame.writeBytes(bytes)
                channel.writeAndFlush(frame, promise: nil)
            }
            if self.connection.forwardAnswered() == .close { Self.closeAfterWrites(channel) }
        }
    }

    /// The peer closed its side (with half-closure allowed, which the server asks for when it forwards): close
    /// once the forwarded answers still due are written.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard case ChannelEvent.inputClosed = event else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        channelReadComplete(context: context)
        if connection.peerClosedInput() == .close { Self.closeAfterWrites(context.channel) }
    }

    /// Closes once every write queued so far is done: writes complete in order, so an empty one marks the end.
    private static func closeAfterWrites(_ channel: any Channel) {
        channel.writeAndFlush(ByteBuffer()).whenComplete { _ in channel.close(promise: nil) }
    }

    /// A framing error or a reset ends this connection only.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

@available(*, unavailable)
extension DNSTCPHandler: Sendable {}
