import AccessPointCore
import NIOCore
import NetworkAddressing

/// Answers each UDP datagram on the event loop as it arrives: parse, look up, write, with no task hop per query.
///
/// NIO reads datagrams in batches (recvmmsg, see `DNSServer`) and ends each batch with `channelReadComplete`.
/// The responses of one batch are written back to back into one reused buffer and handed to NIO, as slices of
/// it, when the batch ends; the flush then sends them together (sendmmsg). So a datagram costs no buffer
/// allocation of its own, and the responder (a new snapshot or zone reload) is read once per batch: a change
/// applies from the next batch.
final class DNSUDPHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    /// The first capacity of the batch buffer; it keeps whatever it grows to.
    static let batchCapacity = 16 << 10

    private let currentResponder: @Sendable () -> Responder
    /// The responder of the current batch, read at its first datagram.
    private var responder: Responder?
    /// Reused for every datagram: answering allocates nothing of its own (see `DNSWorkspace`).
    private var workspace = DNSWorkspace()
    /// This batch's responses, back to back; cleared (and so reused, once NIO has sent the last batch's slices)
    /// when a batch starts.
    private var batch = ByteBufferAllocator().buffer(capacity: DNSUDPHandler.batchCapacity)
    /// Where each response of this batch goes and where it lies in `batch`.
    private var pending: [(address: SocketAddress, offset: Int, length: Int)] = []

    /// Where questions outside our zones go, when upstream resolvers are configured.
    private let forwarder: DNSForwarder?

    init(currentResponder: @escaping @Sendable () -> Responder, forwarder: DNSForwarder? = nil) {
        self.currentResponder = currentResponder
        self.forwarder = forwarder
        pending.reserveCapacity(64)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = Self.unwrapInboundIn(data)
        guard let source = envelope.remoteAddress.peerIPAddress else { return }
        let responder = self.responder ?? currentResponder()
        self.responder = responder
        switch envelope.data.withUnsafeReadableBytes({
            responder.respond(to: $0, from: source, overTCP: false, using: &workspace)
        }) {
        case .none:
            return
        case .forward(let question):
            forward(question, to: envelope.remoteAddress, context: context)
            return
        case .response:
            break
        }
        if pending.isEmpty { batch.clear() }
        let offset = batch.writerIndex
        let length = batch.writeBytes(workspace.writer.bytes)
        pending.append((envelope.remoteAddress, offset, length))
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        responder = nil
        for response in pending {
            guard let slice = batch.getSlice(at: response.offset, length: response.length) else { continue }
            context.write(
                Self.wrapOutboundOut(AddressedEnvelope(remoteAddress: response.address, data: slice)),
                promise: nil
            )
        }
        pending.removeAll(keepingCapacity: true)
        context.flush()
    }

    /// The slow path: the answer comes later, from the cache or an upstream, and is sent on its own.
    private func forward(_ question: ForwardedQuestion, to client: SocketAddress, context: ChannelHandlerContext) {
        guard let forwarder else { return }
        let channel = context.channel
        forwarder.resolve(question, limit: Responder.limit(question.edns, overTCP: false), on: context.eventLoop)
            .whenSuccess { bytes in
                channel.writeAndFlush(AddressedEnvelope(remoteAddress: client, data: ByteBuffer(bytes: bytes)))
                    .whenFailure { _ in }
            }
    }

    /// A send that fails (the client's port is gone) or a read error must not close the shared socket.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {}
}

@available(*, unavailable)
extension DNSUDPHandler: Sendable {}
