import AccessPointCore
import Logging
import NIOCore
import NetworkAddressing
import S3Serving
import SocketEngine
import Synchronization

/// The router's HTTPS listener on the socket engine (`RouterEngine.socket`): one listening socket per engine loop
/// (`SO_REUSEPORT`, so the kernel spreads connections among the loops), each connection served on the loop that
/// accepted it by the same request code as the SwiftNIO listener's (`RouterServer.serve(_:secure:facts:)`).
///
/// A connection from a trusted proxy starts with its PROXY protocol header, read before TLS begins; its TLS
/// handshake, and that header, must come within the idle timeout.
final class SocketHTTPSListener: Sendable {
    let loops: [SocketLoop]
    private let sockets: [CInt]
    let port: Int
    private let context: TLSServerContext
    private let listeners = Mutex<[SocketListener?]>([])

    /// Binds on `address` (in `namespace` when given: one socket, served by the first loop).
    init(
        _ address: ListenAddress,
        in namespace: NetworkNamespace?,
        loops: [SocketLoop],
        context: TLSServerContext
    ) throws {
        precondition(!loops.isEmpty)
        self.context = context
        var sockets: [CInt] = []
        do {
            if let namespace {
                sockets = [try namespace.boundSocket(.stream(backlog: 256), at: address)]
            } else {
                var port = address.port
                for _ in loops {
                    let fd = try SocketListener.listeningSocket(
                        host: address.host.description,
                        port: port,
                        reusePort: loops.count > 1
                    )
                    sockets.append(fd)
                    // Port 0: the first socket's port, for the others too.
                    if port == 0 { port = Self.localPort(fd) }
                }
            }
        } catch {
            for fd in sockets { SocketListener.closeSocket(fd) }
            throw error
        }
        self.sockets = sockets
        self.loops = Array(loops.prefix(sockets.count))
        self.port = Self.localPort(sockets[0])
    }

    private static func localPort(_ fd: CInt) -> Int { SocketListener.port(ofSocket: fd) ?? 0 }

    /// Accepts on every loop until `stop()`, serving each connection with `serve`; returns once every connection's
    /// serving has ended.
    func run(serve: @escaping @Sendable (SocketListener.Accepted, SocketLoop) async -> Void) async throws {
        listeners.withLock { $0 = Array(repeating: nil, count: sockets.count) }
        try await withThrowingDiscardingTaskGroup { group in
            for (index, (loop, fd)) in zip(loops, sockets).enumerated() {
                group.addTask(executorPreference: loop) {
                    let listener = SocketListener(fd: fd, loop: loop)
                    let stopped = self.listeners.withLock { listeners in
                        listeners[index] = listener
                        return listeners.count <= index
                    }
                    if stopped { listener.close() }
                    await withDiscardingTaskGroup { connections in
                        while let accepted = try? await listener.accept() {
                            connections.addTask(executorPreference: loop) {
                                await SocketWaitScope.run(on: loop) { await serve(accepted, loop) }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Stops accepting: each loop closes its listening socket. Connections being served go on (graceful
    /// shutdown drains them).
    func stop() {
        let open = listeners.withLock { listeners in
            defer { listeners = [] }
            return listeners
        }
        for case let listener? in open {
            listener.handle.loop.execute { listener.close() }
        }
    }
}

extension RouterServer {
    /// One HTTPS connection on the socket engine: the PROXY header when its peer is a trusted proxy, the TLS
    /// handshake, then its requests.
    func serveSocket(
        _ accepted: SocketListener.Accepted,
        on loop: SocketLoop,
        context: TLSServerContext,
        timeouts: HTTPServerTimeouts,
        trustedProxies: PrefixTable<Bool>,
        metrics: RouterMetrics,
        logger: Logger
    ) async {
        let handle = SocketHandle(fd: accepted.fd, loop: loop)
        let deadline = ContinuousClock.now + .nanoseconds(timeouts.idle.nanoseconds)
        var source = accepted.peer
        let stream: TLSStream
        do {
            if let peer = accepted.peer, trustedProxies.lookup(peer) != nil {
                source = try await Self.readProxyHeader(handle, until: deadline) ?? peer
            }
            stream = try TLSStream(handle: handle, context: context)
            try await stream.handshake(until: deadline)
        } catch {
            logger.debug("router: connection ended before TLS", metadata: ["error": "\(error)"])
            handle.close()
            return
        }
        metrics.recordHandshake()
        let connection = SocketHTTPConnection(stream: stream, timeouts: timeouts)
        // The client leaving while its request is under way cancels the serving, as on the SwiftNIO listener
        // (`KeepAliveServing.accept`): the store's request is abandoned.
        connection.cancelsServingWhenClientLeaves()
        let facts = (
            source: source, serverName: stream.serverName,
            tlsVersion: ConnectionFacts.policyValue(ofOpenSSLName: stream.protocolVersion)
        )
        await serve(connection, secure: true, serving: KeepAliveServing.serveTLS) { facts }
        connection.closeNow()
    }

    /// Reads the PROXY protocol header in front of the connection's TLS; the client it names (nil for a header
    /// naming none). Throws for anything that is not a header.
    static func readProxyHeader(
        _ handle: SocketHandle,
        until deadline: ContinuousClock.Instant
    ) async throws -> IPAddress? {
        // v2 headers with TLVs may be longer than v1's 107 bytes; 536 is HAProxy's own limit.
        var bytes = [UInt8](repeating: 0, count: 536)
        while true {
            switch try handle.peek(into: &bytes) {
            case .ended:
                throw SocketError.closed
            case .blocked(let events):
                try await handle.wait(for: events, until: deadline)
            case .moved(let count):
                switch ProxyProtocolHeader.parse(bytes[..<count]) {
                case .header(let source, let length):
                    try handle.discard(length)
                    return source
                case .invalid(let reason):
                    throw SocketError.tls("not a PROXY protocol header: \(reason)")
                case .needMoreData:
                    // Part of the header: the rest is on its way (level-triggered readiness would report the
                    // bytes already seen at once, so wait a little instead).
                    guard count < bytes.count, ContinuousClock.now < deadline else {
                        throw SocketError.tls("an incomplete PROXY protocol header")
                    }
                    try await Task.sleep(for: .milliseconds(1))
                }
            }
        }
    }
}
