import AccessPointCore
import NIOCore
import NetworkAddressing

/// Answers each UDP datagram on the event loop as it arrives: parse, look up, write, with no task hop per query.
/// The responder comes from `currentResponder` so a new snapshot or zone reload applies from the next datagram.
final class DNSUDPHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    private let currentResponder: @Sendable () -> Responder

    init(currentResponder: @escaping @Sendable () -> Responder) {
        self.currentResponder = currentResponder
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = Self.unwrapInboundIn(data)
        guard let source = envelope.remoteAddress.peerIPAddress else { return }
        let responder = currentResponder()
        guard
            let response = envelope.data.withUnsafeReadableBytes({
                responder.respond(to: $0, from: source, overTCP: false)
            })
        else { return }
        var buffer = context.channel.allocator.buffer(capacity: response.count)
        buffer.writeBytes(response)
        context.write(
            Self.wrapOutboundOut(AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: buffer)),
            promise: nil
        )
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }

    /// A send that fails (the client's port is gone) or a read error must not close the shared socket.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {}
}

@available(*, unavailable)
extension DNSUDPHandler: Sendable {}
