import AccessPointCore
import Glibc
public import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOTLS
import NetworkAddressing
import S3HTTP
import S3Serving
public import ServiceLifecycle
import SocketEngine
import Synchronization

/// The router's listeners: HTTPS (TLS 1.2+, HTTP/1.1) for every S3 and S3 Control request; plain HTTP, which
/// answers every request with an S3 error saying HTTPS is required and forwards nothing; and, when configured, an
/// HTTP CONNECT forward proxy whose tunnels to the endpoint hosts end here, served exactly as HTTPS connections.
///
/// A `Service`: `run()` binds them, accepts until graceful shutdown, then closes its listeners.
public final class RouterServer: Service, Sendable {
    private let configuration: RouterConfiguration
    private let handler: RouterRequestHandler
    private let logger: Logger
    private let metrics: RouterMetrics
    private let ports = Mutex<(https: Int, http: Int, proxy: Int?)?>(nil)

    public init(handler: RouterRequestHandler, metrics: RouterMetrics = RouterMetrics(), logger: Logger) {
        self.configuration = handler.configuration
        self.handler = handler
        self.metrics = metrics
        self.logger = logger
    }

    /// The ports bound, once `run()` has bound them.
    public var boundPorts: (https: Int, http: Int, proxy: Int?)? { ports.withLock { $0 } }

    public func run() async throws {
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMBytes(Array(configuration.certificatePEM.utf8)).map {
                .certificate($0)
            },
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(configuration.privateKeyPEM.utf8), format: .pem))
        )
        tls.minimumTLSVersion = .tlsv12
        tls.applicationProtocols = ["http/1.1"]
        let context = try NIOSSLContext(configuration: tls)
        let namespace = configuration.listenNamespace
        let timeouts = HTTPServerTimeouts(configuration.clients)
        // TLS, then HTTP/1.1: the HTTPS listener's connections on SwiftNIO, and the forward proxy's tunnels.
        let secure: @Sendable (any Channel, ConnectionFacts) throws -> Connection = { channel, facts in
            try Self.addHTTPS(to: channel, facts: facts, context: context, metrics: self.metrics, timeouts: timeouts)
        }
        // The HTTPS listener: on SwiftNIO, or on the socket engine.
        var https: NIOAsyncChannel<Connection, Never>?
        var engine: SocketHTTPSListener?
        var engineContext: TLSServerContext?
        switch configuration.engine {
        case .nio:
            https = try await bind("HTTPS", configuration.https, in: namespace, secure)
        case .socket:
            let tls = try TLSServerContext(
                certificateChainPEM: configuration.certificatePEM,
                privateKeyPEM: configuration.privateKeyPEM
            )
            // As many loops as SwiftNIO's shared group has: one per processor the process may run on (the executable
            // lowers NIO's suggestion under `taskset`; see ThreadTuning). More loops than processors take turns on
            // them, each hand-over a context switch: two loops pinned to one core spent about 5 µs more system time
            // per request than one.
            let loops = try (0..<NIOSingletons.groupLoopCountSuggestion).map {
                try SocketLoop.start(name: "aprouter-io-\($0)")
            }
            do {
                engine = try SocketHTTPSListener(configuration.https, in: namespace, loops: loops, context: tls)
            } catch {
                for loop in loops { loop.stop() }
                throw ListenError(listener: "HTTPS", address: configuration.https, underlying: error)
            }
            engineContext = tls
        }
        defer { for loop in engine?.loops ?? [] { loop.stop() } }
        let http = try await bind("plain HTTP", configuration.http, in: namespace) { channel, facts in
            try Self.addHTTP(to: channel, facts: facts, timeouts: timeouts)
        }
        var proxy: NIOAsyncChannel<TunnelConnection, Never>?
        if let address = configuration.proxy {
            proxy = try await bindProxy(address, tunnel: secure)
        }
        let tunnels = proxy
        let (secureListener, engineListener) = (https, engine)
        let bound = (
            https: https?.channel.localAddress?.port ?? engine?.port ?? 0, http: http.channel.localAddress?.port ?? 0,
            proxy: proxy?.channel.localAddress?.port
        )
        ports.withLock { $0 = bound }
        var metadata: Logger.Metadata = [
            "router.https_port": "\(bound.https)", "router.http_port": "\(bound.http)",
            "router.engine": "\(configuration.engine.rawValue)",
        ]
        if let port = bound.proxy { metadata["router.proxy_port"] = "\(port)" }
        logger.info("router: listening", metadata: metadata)
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                if let https { group.addTask { try await self.accept(https, secure: true) } }
                if let engine, let engineContext {
                    let trusted = configuration.trustedProxies
                    group.addTask {
                        try await engine.run { accepted, loop in
                            await self.serveSocket(
                                accepted,
                                on: loop,
                                context: engineContext,
                                timeouts: timeouts,
                                trustedProxies: trusted,
                                metrics: self.metrics,
                                logger: self.logger
                            )
                        }
                    }
                }
                group.addTask { try await self.accept(http, secure: false) }
                if let tunnels { group.addTask { try await self.acceptTunnels(tunnels) } }
            }
        } onGracefulShutdown: {
            secureListener?.channel.close(promise: nil)
            engineListener?.stop()
            http.channel.close(promise: nil)
            tunnels?.channel.close(promise: nil)
        }
    }

    /// TLS, then HTTP/1.1. The SNI sniffer reads the ClientHello's server name before TLS starts, then removes
    /// itself; the name is kept for the connection so each request's Host can be held to it (no domain fronting).
    private static func addHTTPS(
        to channel: any Channel,
        facts: ConnectionFacts,
        context: NIOSSLContext,
        metrics: RouterMetrics,
        timeouts: HTTPServerTimeouts
    ) throws -> Connection {
        try channel.pipeline.syncOperations.addHandlers(
            ByteToMessageHandler(
                SNIHandler { result in
                    if case .hostname(let name) = result { facts.serverName = name }
                    return channel.eventLoop.makeSucceededVoidFuture()
                }
            ),
            NIOSSLServerHandler(context: context),
            HandshakeCounter(metrics: metrics, facts: facts)
        )
        return try addHTTP(to: channel, facts: facts, timeouts: timeouts)
    }

    /// HTTP/1.1 and the serving task's end of the pipeline.
    private static func addHTTP(
        to channel: any Channel,
        facts: ConnectionFacts,
        timeouts: HTTPServerTimeouts
    ) throws -> Connection {
        Connection(http: try HTTPServerConnection(configuringHTTPOn: channel, timeouts: timeouts), facts: facts)
    }

    private typealias Connection = RouterConnection

    /// Binds a listener whose connections get `configure`'s handlers. A connection from a trusted proxy starts with
    /// its PROXY protocol header, read first; the client it names is recorded in the connection's facts.
    /// With a namespace, the listening socket is made inside it (the network lab's router namespace).
    ///
    /// With `halfClosure`, a client that closes its sending side after its requests still gets their answers
    /// (`HTTPServerConnection.clientLeft`); without it (the forward proxy, whose tunnels' TLS begins after the
    /// CONNECT), the client's FIN closes the connection.
    private func bind<Output: Sendable>(
        _ listener: String,
        _ address: ListenAddress,
        in namespace: NetworkNamespace? = nil,
        halfClosure: Bool = true,
        _ configure: @escaping @Sendable (any Channel, ConnectionFacts) throws -> Output
    ) async throws -> NIOAsyncChannel<Output, Never> {
        let trusted = configuration.trustedProxies
        let initializer: @Sendable (any Channel) -> EventLoopFuture<Output> = { channel in
            channel.eventLoop.makeCompletedFuture {
                let facts = ConnectionFacts()
                if let peer = channel.remoteAddress?.peerIPAddress, trusted.lookup(peer) != nil {
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(ProxyProtocolDecoder(facts: facts))
                    )
                }
                return try configure(channel, facts)
            }
        }
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.allowRemoteHalfClosure, value: halfClosure)
        do {
            if let namespace {
                let socket = try namespace.boundSocket(.stream(backlog: 256), at: address)
                return try await bootstrap.bind(socket, childChannelInitializer: initializer)
            }
            return try await bootstrap.bind(
                host: address.host.description,
                port: address.port,
                childChannelInitializer: initializer
            )
        } catch {
            throw ListenError(listener: listener, address: address, underlying: error)
        }
    }

    /// Binds the forward proxy: each connection yields its channel and, once its CONNECT was accepted, the HTTPS
    /// connection that `tunnel` set up in its place (a refused one never yields).
    private func bindProxy(
        _ address: ListenAddress,
        tunnel: @escaping @Sendable (any Channel, ConnectionFacts) throws -> Connection
    ) async throws -> NIOAsyncChannel<TunnelConnection, Never> {
        let suffixes = configuration.endpointSuffixes
        let logger = logger
        return try await bind("forward proxy", address, halfClosure: false) { channel, facts in
            let promise = channel.eventLoop.makePromise(of: Connection.self)
            try channel.pipeline.syncOperations.addHandler(
                ConnectTunnelHandler(suffixes: suffixes, promise: promise, logger: logger) { channel in
                    try tunnel(channel, facts)
                }
            )
            return TunnelConnection(channel: channel, tunnel: promise.futureResult)
        }
    }

    private func accept(_ listener: NIOAsyncChannel<Connection, Never>, secure: Bool) async throws {
        try await KeepAliveServing.accept(listener) { await self.serve($0, secure: secure) }
    }

    private func acceptTunnels(_ listener: NIOAsyncChannel<TunnelConnection, Never>) async throws {
        try await KeepAliveServing.accept(listener) { accepted in
            guard let connection = try? await accepted.tunnel.get() else { return }
            await self.serve(connection, secure: true)
        }
    }

    /// Serves a connection of the SwiftNIO listeners: see `serve(_:secure:facts:)`.
    private func serve(_ connection: Connection, secure: Bool) async {
        let peer = connection.http.channel.remoteAddress?.peerIPAddress
        await serve(connection.http, secure: secure, serving: KeepAliveServing.serveNIO) {
            // What the connection's first bytes said (the PROXY header, the TLS server name) is known once a request
            // head has arrived; this task runs on the connection's event loop, where they were recorded.
            connection.eventLoop.inEventLoop
                ? connection.facts.read(peer: peer)
                : try await connection.eventLoop.submit { connection.facts.read(peer: peer) }.get()
        }
    }

    /// Answers a keep-alive connection's requests one after another (`KeepAliveServing.serve`, or `serving`), logs
    /// each and counts it in the metrics. `facts` gives the request's source and the TLS server name, asked once, at
    /// the first request.
    func serve<Served: ServerConnection>(
        _ http: Served,
        secure: Bool,
        serving: (
            Served,
            _ answer: (RequestHead, S3Body) async throws -> S3Response,
            _ completed: (KeepAliveServing.Completed) -> Void
        ) async throws -> Void = KeepAliveServing.serve,
        facts readFacts: @escaping () async throws -> ConnectionFacts.Read
    ) async {
        var facts: ConnectionFacts.Read?
        let hosts = HostMemo()
        // The request under way: `answer` fills it in, `completed` logs it.
        var record = RequestRecord()
        do {
            try await serving(http) { head, body in
                if facts == nil { facts = try await readFacts() }
                record = RequestRecord()
                return await answer(
                    head,
                    body: body,
                    source: facts?.source,
                    serverName: facts?.serverName,
                    tlsVersion: facts?.tlsVersion,
                    hosts: hosts,
                    secure: secure,
                    record: &record
                )
            } _: { completed in
                log(completed, record: record, source: facts?.source)
                metrics.recordRequest(
                    operation: record.operation ?? "None",
                    outcome: Self.outcome(record, completed),
                    status: completed.status,
                    bytesIn: completed.received,
                    bytesOut: completed.sent,
                    duration: completed.elapsed
                )
                if completed.status == 503 { metrics.recordUpstreamError() }
            }
        } catch {
            logger.debug("router: connection ended", metadata: ["error": "\(error)"])
        }
    }

    private func answer(
        _ head: RequestHead,
        body: S3Body,
        source: IPAddress?,
        serverName: String?,
        tlsVersion: String?,
        hosts: HostMemo,
        secure: Bool,
        record: inout RequestRecord
    ) async -> S3Response {
        let renderer = S3ErrorRenderer(envelope: .s3)
        guard secure else {
            let id = handler.requestIDs.next()
            record.requestID = id.requestID
            record.errorCode = S3Error.invalidRequest.code
            return renderer.response(
                for: .invalidRequest.because("Access points only support HTTPS: use https:// and the same host."),
                id: id
            )
        }
        return await handler.respond(
            method: head.method.rawValue,
            target: head.target,
            fields: head.fields,
            body: body,
            source: source,
            serverName: serverName,
            tlsVersion: tlsVersion,
            hosts: hosts,
            record: &record
        )
    }

    /// One access-log line per request (the fields of issue 7), at `info`.
    private func log(_ completed: KeepAliveServing.Completed, record: RequestRecord, source: IPAddress?) {
        // The metadata costs a dozen string interpolations: build none of it when `info` is off.
        guard logger.logLevel <= .info else { return }
        let elapsed = completed.elapsed
        let micros = elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000
        var metadata: Logger.Metadata = [
            "request_id": "\(record.requestID)",
            "source": "\(source.map { "\($0)" } ?? "-")",
            "method": "\(completed.head.method.rawValue)",
            "status": "\(completed.status)",
            "bytes_out": "\(completed.sent)",
            "latency_us": "\(micros)",
        ]
        if let vpc = record.vpc { metadata["vpc"] = "\(vpc)" }
        if let accessPoint = record.accessPoint { metadata["access_point"] = "\(accessPoint)" }
        if let operation = record.operation { metadata["operation"] = "\(operation)" }
        if let key = record.key { metadata["key"] = "\(key)" }
        if let decision = record.decision { metadata["decision"] = "\(decision)" }
        if let reason = record.decisionReason { metadata["decision_reason"] = "\(reason)" }
        // A response its client never got (499) is logged without the code it would have carried.
        if let code = record.errorCode, completed.status != KeepAliveServing.Completed.clientClosedRequest {
            metadata["error_code"] = "\(code)"
        }
        if completed.ending != .whole { metadata["ended"] = "\(completed.ending.rawValue)" }
        logger.info("request", metadata: metadata)
    }

    /// `client_closed` for a response its client left before it was sent whole, `ok` for answers from the store or
    /// control API, `denied` for a policy or VPC-origin refusal, `error` for any other refusal the router made and
    /// for a response cut short.
    static func outcome(_ record: RequestRecord, _ completed: KeepAliveServing.Completed) -> String {
        switch completed.ending {
        case .clientClosed: return "client_closed"
        case .failed: return "error"
        case .whole: break
        }
        if let decision = record.decision, decision != "allowed" { return "denied" }
        if record.errorCode == "AccessDenied" { return "denied" }
        return record.errorCode == nil ? "ok" : "error"
    }
}

/// Counts completed TLS handshakes for `/metrics`.
final class HandshakeCounter: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    let metrics: RouterMetrics
    let facts: ConnectionFacts

    init(metrics: RouterMetrics, facts: ConnectionFacts) {
        self.metrics = metrics
        self.facts = facts
    }

    /// Counts the handshake and notes its TLS version, then leaves the pipeline: every later read would pass
    /// through it for nothing.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        context.fireUserInboundEventTriggered(event)
        if case .handshakeCompleted? = event as? TLSUserEvent {
            metrics.recordHandshake()
            let handler = try? context.pipeline.syncOperations.handler(type: NIOSSLServerHandler.self)
            facts.tlsVersion = ConnectionFacts.policyValue(of: handler?.tlsVersion)
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }
    }
}

/// What a connection's first bytes established, kept for its requests: the client address a trusted proxy's PROXY
/// header named, and the server name of the TLS ClientHello. Written and read on the connection's event loop only.
final class ConnectionFacts {
    var proxiedSource: IPAddress?
    var serverName: String?
    /// The negotiated TLS version as `s3:TlsVersion` names it (`1.2`, `1.3`); nil on plain HTTP.
    var tlsVersion: String?

    typealias Read = (source: IPAddress?, serverName: String?, tlsVersion: String?)

    /// The request's source (the proxied client, else the TCP peer), the TLS server name and version.
    func read(peer: IPAddress?) -> Read { (proxiedSource ?? peer, serverName, tlsVersion) }

    /// `s3:TlsVersion`'s value for a negotiated version: a literal, so no string is made per connection.
    static func policyValue(of version: TLSVersion?) -> String? {
        switch version {
        case .tlsv12?: "1.2"
        case .tlsv13?: "1.3"
        case .tlsv1?: "1.0"
        case .tlsv11?: "1.1"
        case nil: nil
        }
    }

    /// The same for OpenSSL's name of a version (`SSL_get_version`: `TLSv1.3`).
    static func policyValue(ofOpenSSLName name: String) -> String? {
        switch name {
        case "TLSv1.3": "1.3"
        case "TLSv1.2": "1.2"
        default: nil
        }
    }
}

@available(*, unavailable)
extension ConnectionFacts: Sendable {}

/// An HTTP connection the router serves, and what its first bytes established.
struct RouterConnection: AcceptedConnection, @unchecked Sendable {
    let http: HTTPServerConnection
    /// Confined to the connection's event loop: the serving task reads it there (it runs on that loop), or hops.
    let facts: ConnectionFacts

    var eventLoop: any EventLoop { http.eventLoop }
    var channel: any Channel { http.channel }
    var clientLeft: EventLoopFuture<Void> { http.clientLeft }
}

/// A forward-proxy connection: its channel, and the HTTPS connection its CONNECT sets up on that channel once it is
/// accepted (a refused CONNECT never sets one up).
struct TunnelConnection: AcceptedConnection {
    let channel: any Channel
    let tunnel: EventLoopFuture<RouterConnection>
    /// The proxy's connections do not allow half-closure: the client's FIN closes them.
    var clientLeft: EventLoopFuture<Void> { channel.closeFuture }
}

/// Reads the PROXY protocol header (v1 or v2) a trusted proxy sends first, records the client it names, then
/// passes every later byte through. Anything that is not a header closes the connection.
final class ProxyProtocolDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer
    private let facts: ConnectionFacts
    private var done = false

    init(facts: ConnectionFacts) { self.facts = facts }

    func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard !done else {
            context.fireChannelRead(Self.wrapInboundOut(buffer.readSlice(length: buffer.readableBytes) ?? ByteBuffer()))
            return .needMoreData
        }
        switch ProxyProtocolHeader.parse(buffer.readableBytesView) {
        case .needMoreData:
            return .needMoreData
        case .header(let source, let length):
            facts.proxiedSource = source
            buffer.moveReaderIndex(forwardBy: length)
            done = true
            return .continue
        case .invalid(let reason):
            throw ProxyProtocolError(reason: reason)
        }
    }

    func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        try decode(context: context, buffer: &buffer)
    }

    struct ProxyProtocolError: Error { let reason: String }
}

/// A listener that could not be bound, named as the lab file names it: `the router cannot listen: HTTPS on
/// 127.0.0.1:8443: Address already in use`.
struct ListenError: Error, CustomStringConvertible {
    let listener: String
    let address: ListenAddress
    let underlying: any Error

    var description: String {
        let reason =
            if let error = underlying as? IOError { String(cString: strerror(error.errnoCode)) } else {
                "\(underlying)"
            }
        return "cannot listen: \(listener) on \(address): \(reason)"
    }
}

@available(*, unavailable)
extension ProxyProtocolDecoder: Sendable {}
