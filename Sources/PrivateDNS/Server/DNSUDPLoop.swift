import AccessPointCore
internal import CDatagramBatch
import Glibc
import NIOCore
import Synchronization

/// Answers the UDP socket on a thread of its own, as NSD does: recvmmsg into preallocated slots, each query answered
/// straight from its slot, the answers written into preallocated reply slots and sent together with sendmmsg, to the
/// address each query came from as the kernel wrote it. Nothing is allocated, boxed or formatted per datagram: the
/// sender's address is read into an `IPAddress` from the socket structure, and the workspace is reused (see
/// `DNSWorkspace`).
///
/// The responder (a new snapshot or zone reload) is read once per batch: a change applies from the next batch.
/// Questions for the upstream resolvers go to the forwarder, whose answers come later on an event loop and are sent
/// on the same socket with one sendto each.
///
/// `run()` blocks until `stop()`: the socket gives up waiting every `stopCheckInterval` (SO_RCVTIMEO) to look at
/// the stop flag. The loop owns the socket and closes it when `run()` returns (or on `close()` if it never ran).
final class DNSUDPLoop: Sendable {
    /// Datagrams read per recvmmsg call, and answers sent per sendmmsg call at most.
    static let batchSize = 32
    /// Bytes per query slot and per reply slot. A longer query is cut (and so answered FORMERR), as NIO's 2 KiB
    /// slots did; an answer never exceeds 1232 bytes over UDP (`Responder.limit`).
    static let slotSize = 4096
    /// How long a stop request waits at most for the thread to notice it.
    static let stopCheckMilliseconds: CInt = 100

    private let socket: Mutex<CInt?>
    private let stopping = Atomic<Bool>(false)
    private let currentResponder: @Sendable () -> Responder
    private let forwarder: DNSForwarder?
    private let eventLoops: any EventLoopGroup

    /// Takes ownership of `socket`, a bound UDP socket: makes it blocking with the stop check's receive timeout.
    init(
        socket descriptor: CInt,
        currentResponder: @escaping @Sendable () -> Responder,
        forwarder: DNSForwarder?,
        eventLoops: any EventLoopGroup
    ) throws(DNSServerError) {
        guard cdgram_prepare(descriptor, Self.stopCheckMilliseconds, 4 << 20) == 0 else {
            let reason = String(cString: strerror(errno))
            Glibc.close(descriptor)
            throw DNSServerError(description: "cannot prepare the UDP socket: \(reason)")
        }
        self.socket = Mutex(descriptor)
        self.currentResponder = currentResponder
        self.forwarder = forwarder
        self.eventLoops = eventLoops
    }

    /// The port the socket is bound to.
    var localPort: Int? {
        let port = socket.withLock { descriptor in descriptor.map { cdgram_local_port($0) } ?? -1 }
        return port >= 0 ? Int(port) : nil
    }

    /// Asks `run()` to return; it does within `stopCheckMilliseconds`.
    func stop() { stopping.store(true, ordering: .relaxed) }

    /// Closes the socket (once); late forwarded answers are then dropped.
    func close() {
        socket.withLock { descriptor in
            if let open = descriptor { Glibc.close(open) }
            descriptor = nil
        }
    }

    /// Receives, answers and sends until `stop()`, then closes the socket.
    func run() {
        defer { close() }
        guard let descriptor = socket.withLock({ $0 }),
            let batch = cdgram_batch_create(
                CUnsignedInt(Self.batchSize),
                CUnsignedInt(Self.slotSize)
            )
        else { return }
        defer { cdgram_batch_destroy(batch) }
        var workspace = DNSWorkspace()
        while !stopping.load(ordering: .relaxed) {
            let received = cdgram_receive(descriptor, batch)
            guard received > 0 else {
                if received < 0, errno == EBADF || errno == ENOTSOCK { return }
                continue  // the stop check's timeout (EAGAIN), a signal, or a transient error
            }
            let responder = currentResponder()
            for index in 0..<CUnsignedInt(received) {
                answer(index, in: batch, with: responder, using: &workspace)
            }
            if cdgram_queued(batch) > 0 { _ = cdgram_send_queued(descriptor, batch) }
        }
    }

    /// Answers the `index`th datagram of `batch` into its reply slot, or hands it to the forwarder.
    private func answer(
        _ index: CUnsignedInt,
        in batch: OpaquePointer,
        with responder: Responder,
        using workspace: inout DNSWorkspace
    ) {
        var high: UInt64 = 0
        var low: UInt64 = 0
        let source: IPAddress
        switch cdgram_peer(batch, index, &high, &low) {
        case 4:
            source = .v4(IPv4Address(UInt32(truncatingIfNeeded: low)))
        case 6:
            let address = IPv6Address(high: high, low: low)
            source = address.mappedIPv4.map(IPAddress.v4) ?? .v6(address)
        default:
            return
        }
        var length = 0
        guard let bytes = cdgram_datagram(batch, index, &length) else { return }
        let message = UnsafeRawBufferPointer(start: bytes, count: length)
        switch responder.respond(to: message, from: source, overTCP: false, using: &workspace) {
        case .none:
            return
        case .forward(let question):
            forward(question, toSenderOf: index, in: batch)
        case .response:
            let written = workspace.writer.bytes.withUnsafeBytes { response -> Int in
                guard response.count <= Self.slotSize, let start = response.baseAddress else { return 0 }
                UnsafeMutableRawPointer(cdgram_reply_slot(batch, index)).copyMemory(
                    from: start,
                    byteCount: response.count
                )
                return response.count
            }
            if written > 0 { cdgram_queue_reply(batch, index, written) }
        }
    }

    /// The slow path: the answer comes later, from the forwarder's cache or an upstream, and is sent on its own.
    private func forward(_ question: ForwardedQuestion, toSenderOf index: CUnsignedInt, in batch: OpaquePointer) {
        guard let forwarder else { return }
        var peer = [UInt8](repeating: 0, count: 128)
        let peerLength = peer.withUnsafeMutableBytes { cdgram_copy_peer(batch, index, $0.baseAddress, $0.count) }
        guard peerLength > 0 else { return }
        let limit = Responder.limit(question.edns, overTCP: false)
        forwarder.resolve(question, limit: limit, on: eventLoops.next()).whenSuccess { [peer] response in
            self.send(response, to: peer, length: peerLength)
        }
    }

    /// One answer on the shared socket, unless it is closed by now. A send that fails is dropped, as a lost datagram.
    private func send(_ response: [UInt8], to peer: [UInt8], length: Int) {
        socket.withLock { descriptor in
            guard let descriptor else { return }
            response.withUnsafeBytes { bytes in
                peer.withUnsafeBytes { address in
                    _ = cdgram_send_to(descriptor, bytes.baseAddress, bytes.count, address.baseAddress, length)
                }
            }
        }
    }
}
