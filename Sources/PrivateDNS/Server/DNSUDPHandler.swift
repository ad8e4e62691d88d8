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
///
/// Per datagram the handler touches no reference count it can avoid: the batch's responder is borrowed from a
/// box (copying the `Responder` struct out of a stored property would retain and release every reference in its
/// catalog), and the workspace lives behind a pointer (an `inout` access to a class's stored property costs a
/// dynamic exclusivity check).
final class DNSUDPHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    /// The first capacity of the batch buffer; it keeps whatever it grows to.
    static let batchCapacity = 16 << 10

    private let currentResponder: @Sendable () -> Responder
    /// The responder of the current batch, read at its first datagram.
    private var batchResponder: BatchResponder?
    /// Reused for every datagram: answering allocates nothing of its own (see `DNSWorkspace`). Allocated in `init`,
    /// freed in `deinit`.
    private let workspace: UnsafeMutablePointer<DNSWorkspace>
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
        self.workspace = .allocate(capacity: 1)
        self.workspace.initialize(to: DNSWorkspace())
        pending.reserveCapacity(64)
    }

    deinit {
        workspace.deinitialize(count: 1)
        workspace.deallocate()
    }

    /// One batch's responder, in a class so that each datagram borrows it instead of copying it.
    private final class BatchResponder {
        let responder: Responder
        init(_ responder: Responder) { self.responder = responder }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = Self.unwrapInboundIn(data)
        guard let source = envelope.remoteAddress.peerIPAddress else { return }
        let batchResponder: BatchResponder
        if let current = self.batchResponder {
            batchResponder = current
        } else {
            batchResponder = BatchResponder(currentResponder())
            self.batchResponder = batchResponder
        }
        let workspace = self.workspace
        switch envelope.data.withUnsafeReadableBytes({
            batchResponder.responder.respond(to: $0, from: source, overTCP: false, using: &workspace.pointee)
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
        let length = batch.writeBytes(workspace.pointee.writer.bytes)
        pending.append((envelope.remoteAddress, offset, length))
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        batchResponder = nil
        for response in pending {
            guard let slice = batch.getSlice(at: response.offset, length: response.length) else { continue }
            // `NIOAny(_:)` on the concrete envelope, not `wrapOutboundOut`: the generic wrapper is not always
            // specialised, and then each write pays four dynamic casts to find NIOAny's envelope case.
            context.write(NIOAny(AddressedEnvelope(remoteAddress: response.address, data: slice)), promise: nil)
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
