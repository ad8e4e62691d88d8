import AccessPointCore
public import NIOCore
public import NIOPosix
import NIOSSL
import S3HTTP
package import SocketEngine
import Synchronization

/// HTTP/1.1 to bucket stores, with a keep-alive pool on each event loop.
///
/// Why not AsyncHTTPClient, which the forwarder used before: it is general (redirects, proxies, decompression,
/// HTTP/2, any URL) and its request path shows it. Profiling a 1 KiB GET through the router (perf, cpu-clock,
/// 2026-11-27) put 15% of the router's CPU time in it and its futures: URL parsing of a URL the forwarder had just
/// written, a request bag and two state machines per request, a pool state machine behind a lock, and a scheduled
/// timeout per request. The forwarder needs much less: one origin per store, HTTP/1.1 with keep-alive, request and
/// response bodies streamed with backpressure. This client is that, on NIOSSL, with the HTTP/1.1 it needs written
/// and read here (`StoreRequest.encodedHead`, ``StoreResponseParser``).
///
/// A request runs on the event loop of its caller when the caller is on one of the group's loops (the router's
/// connections are), so a GET through the router never leaves its thread; otherwise on any loop. Each loop keeps
/// its own idle connections per store origin; nothing is shared between loops, so nothing is locked.
///
/// Not retried: a request whose connection fails after the request was written, except an idempotent request
/// (not `POST`) whose body is in memory, sent on a kept-alive connection that the store closed before answering
/// (the usual race with the store's idle timeout): it goes once more on a new connection.
public final class StoreClient: Sendable {
    public let eventLoopGroup: any EventLoopGroup
    let configuration: UpstreamClientConfiguration
    private let pools: [ObjectIdentifier: LoopPool]
    private let isShutDown = Atomic<Bool>(false)
    /// The same client for callers on the socket engine's loops (plain-HTTP stores only): see ``SocketStoreClient``.
    let socketClient: SocketStoreClient

    /// - Throws: when the system's TLS trust roots or the configuration's `caBundle` cannot be loaded.
    public init(
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        configuration: UpstreamClientConfiguration = UpstreamClientConfiguration()
    ) throws {
        self.eventLoopGroup = eventLoopGroup
        self.configuration = configuration
        var tlsConfiguration = TLSConfiguration.makeClientConfiguration()
        if let bundle = configuration.caBundle {
            tlsConfiguration.additionalTrustRoots = [.certificates(try NIOSSLCertificate.fromPEMFile(bundle))]
        }
        let tls = try NIOSSLContext(configuration: tlsConfiguration)
        var pools: [ObjectIdentifier: LoopPool] = [:]
        for loop in eventLoopGroup.makeIterator() {
            pools[ObjectIdentifier(loop)] = LoopPool(loop: loop, configuration: configuration, tls: tls)
        }
        self.pools = pools
        self.socketClient = SocketStoreClient(configuration: configuration)
    }

    /// Closes every idle connection and refuses new requests; requests under way finish.
    public func shutdown() async {
        isShutDown.store(true, ordering: .relaxed)
        await socketClient.shutdown()
        for pool in pools.values {
            try? await pool.loop.submit { pool.close() }.get()
        }
    }

    /// The connections opened to stores from `loop` by the socket engine's client: for tests, which tell by it
    /// that a request went that way, and that a connection was kept alive. Call on `loop`'s thread.
    package func socketConnectionsOpened(on loop: SocketLoop) -> Int {
        socketClient.pool(on: loop).connectionsOpened
    }

    /// The loop a request runs on: the caller's when it is one of the group's.
    func loop() -> LoopPool {
        let loop = eventLoopGroup.any()
        return pools[ObjectIdentifier(loop)] ?? pools[ObjectIdentifier(eventLoopGroup.next())]!
    }

    /// Sends `request` to `origin` on `pool`'s loop; its answer, or the error that ended it, arrives through
    /// `sink`. Call on `pool.loop`.
    func execute(_ request: StoreRequest, to origin: StoreOrigin, on pool: LoopPool, sink: UpstreamResponseStream) {
        pool.loop.preconditionInEventLoop()
        guard !isShutDown.load(ordering: .relaxed) else {
            sink.fail(StoreClientError.shutDown)
            return
        }
        do {
            try request.checkWritable()
        } catch {
            sink.fail(error)
            return
        }
        pool.submit(LoopPool.Job(request: request, origin: origin, sink: sink))
    }
}

/// Why the client could not get an answer.
enum StoreClientError: Error, CustomStringConvertible {
    case shutDown
    /// The store sent nothing for the read timeout while an answer was awaited or read.
    case readTimeout(TimeAmount)
    /// No connection to the store within the connect timeout.
    case connectTimeout(TimeAmount)
    /// The connection closed before the response ended.
    case connectionClosed
    /// The store's response could not be parsed.
    case malformedResponse(String)
    /// A field of the request cannot be written in HTTP/1.1 (a CR LF in its value, say); nothing was sent.
    case invalidField(String)
    /// The method is not a token or the target has a space or a control character; nothing was sent.
    case invalidRequestLine

    /// The request could not be written at all (the router's fault, not the store's): nothing was sent.
    var isRefusedBeforeSending: Bool {
        switch self {
        case .invalidField, .invalidRequestLine: true
        default: false
        }
    }

    var description: String {
        switch self {
        case .shutDown: "the client is shut down"
        case .readTimeout(let amount):
            "no answer within \(amount.nanoseconds / 1_000_000) ms (the lab's upstream.readTimeout)"
        case .connectTimeout(let amount):
            "no connection within \(amount.nanoseconds / 1_000_000) ms (the lab's upstream.connectTimeout)"
        case .connectionClosed: "the connection closed before the response ended"
        case .malformedResponse(let reason): "the response was not valid HTTP/1.1: \(reason)"
        case .invalidField(let name): "the request's field '\(name)' cannot be sent in HTTP/1.1"
        case .invalidRequestLine: "the request's method or target cannot be sent in HTTP/1.1"
        }
    }
}

/// Where a store's requests go: scheme, host and port, the key of the keep-alive pools.
struct StoreOrigin: Hashable, Sendable {
    var secure: Bool
    /// A name or an IP address (without brackets).
    var host: String
    var port: Int

    /// From the scheme and a `host[:port]` authority (`[v6]:port` for IPv6); nil when the port is not a number.
    init?(scheme: String, authority: String) {
        secure = scheme == "https"
        var host = Substring(authority)
        var port = secure ? 443 : 80
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return nil }
            let rest = host[host.index(after: close)...]
            if rest.hasPrefix(":") {
                guard let number = Int(rest.dropFirst()), (1...65535).contains(number) else { return nil }
                port = number
            } else if !rest.isEmpty {
                return nil
            }
            host = host[host.index(after: host.startIndex)..<close]
        } else if let colon = host.lastIndex(of: ":") {
            guard let number = Int(host[host.index(after: colon)...]), (1...65535).contains(number) else { return nil }
            port = number
            host = host[..<colon]
        }
        guard !host.isEmpty else { return nil }
        self.host = String(host)
        self.port = port
    }

    var isIPLiteral: Bool {
        host.contains(":") || host.allSatisfy { $0 == "." || $0.isASCII && $0.isNumber }
    }
}

/// A request as the client sends it: the request line, every field already set (signed, with its framing), and the
/// body, or nil when none is sent.
struct StoreRequest: Sendable {
    var method: String
    /// The path and query, exactly as signed.
    var target: String
    /// In the order they are written, `Host` first.
    var fields: [HTTPField]
    var body: Body?

    enum Body: Sendable {
        /// Sent with the head, in one write.
        case buffer(ByteBuffer)
        /// Written as it is read, each write waiting for the one before; `length` bytes when known (the head then
        /// says so), chunked otherwise. A stream that throws aborts the request: the connection is closed, so the
        /// store sees a short body and keeps nothing. The writing task runs on the connection's event loop when
        /// `onLoop` (the caller is served there: the router's connections), on the global pool otherwise: a body
        /// that is expensive to produce would hold up every other channel of an event loop it was moved to.
        case stream(RecordingBody, length: Int?, onLoop: Bool)
    }

    /// Why the client's streamed body failed as it was sent, if it did (a body in memory cannot).
    var bodyFailure: S3Error? {
        if case .stream(let body, _, _) = body { body.recorder.recorded } else { nil }
    }

    /// Whether the request can be sent again on another connection: idempotent (RFC 9110 §9.2.2; S3's `POST`s
    /// complete uploads and delete objects) and with its body, if any, still in memory.
    var isRepeatable: Bool {
        if case .stream = body { return false }
        return method != "POST"
    }

    /// The request line and fields on the wire, ended by the empty line, with `extraCapacity` bytes to spare for a
    /// body to follow in the same buffer. The fields must have been checked (`checkWritable`).
    func encodedHead(allocator: ByteBufferAllocator, extraCapacity: Int = 0) -> ByteBuffer {
        let size = headSize
        var bytes = allocator.buffer(capacity: size + extraCapacity)
        writeHead(into: &bytes, size: size)
        return bytes
    }

    /// The bytes of `encodedHead`: the request line's space, then its version and line end (12), the fields, and the
    /// empty line (2).
    var headSize: Int {
        var size = method.utf8.count + target.utf8.count + 14
        for field in fields { size += HTTP1HeadWriter.size(name: field.name, value: field.value) }
        return size
    }

    /// Appends the head to `bytes`, whose storage a connection keeps from one request to the next (the socket
    /// engine's client writes from it); `size` is `headSize`.
    func writeHead(into bytes: inout ByteBuffer, size: Int) {
        bytes.writeHTTP1Head(capacity: size) { head in
            head.write(method)
            head.write(byte: UInt8(ascii: " "))
            head.write(target)
            head.write(" HTTP/1.1\r\n")
            for field in fields { head.writeField(name: field.name, value: field.value) }
            head.write("\r\n")
        }
    }

    /// Throws when HTTP/1.1 cannot carry the request as it is. Checked once, before a byte is written: a field from
    /// the client's request with a CR LF in it would otherwise split the request the store reads.
    func checkWritable() throws(StoreClientError) {
        for field in fields
        where !HTTPFieldSyntax.isValidName(field.name) || !HTTPFieldSyntax.isValidValue(field.value) {
            throw .invalidField(field.name)
        }
        guard Self.isValidRequestLine(method: method, target: target) else { throw .invalidRequestLine }
    }

    /// A method that is a token and a target of visible ASCII characters: what can be written as a request line.
    static func isValidRequestLine(method: String, target: String) -> Bool {
        HTTPFieldSyntax.isValidName(method) && !target.isEmpty
            && (target.utf8.withContiguousStorageIfAvailable { HTTP1Syntax.isVisibleASCII(UnsafeRawBufferPointer($0)) }
                ?? target.utf8.allSatisfy { $0 > UInt8(ascii: " ") && $0 < 0x7F })
    }
}

/// One loop's connections to stores, by origin: at most `maximumConnectionsPerHost` open to each, idle ones kept
/// for the next request, and requests beyond the limit waiting, in order, for a connection to come free. Used on
/// `loop` only.
final class LoopPool: @unchecked Sendable {
    struct Job {
        let request: StoreRequest
        let origin: StoreOrigin
        let sink: UpstreamResponseStream
    }

    /// One origin's connections on this loop.
    private final class Origin {
        let origin: StoreOrigin
        var idle: [StoreConnection] = []
        /// Connections open or opening, idle or busy.
        var open = 0
        var waiting = CircularBuffer<Job>(initialCapacity: 4)

        init(_ origin: StoreOrigin) { self.origin = origin }
    }

    let loop: any EventLoop
    private let configuration: UpstreamClientConfiguration
    private let tls: NIOSSLContext
    /// A lab has a store or a few: a list compared in order costs less than hashing the origin's host for a
    /// dictionary several times per request.
    private var origins: [Origin] = []
    private var sweeper: RepeatedTask?
    private var closed = false

    init(loop: any EventLoop, configuration: UpstreamClientConfiguration, tls: NIOSSLContext) {
        self.loop = loop
        self.configuration = configuration
        self.tls = tls
    }

    private func connections(to origin: StoreOrigin) -> Origin {
        for known in origins where known.origin == origin { return known }
        let made = Origin(origin)
        origins.append(made)
        return made
    }

    /// Runs `job` on an idle connection, on a new one while the origin has fewer than the limit open, or, beyond
    /// it, once a connection comes free.
    func submit(_ job: Job) {
        guard !job.sink.isFinished else { return }  // cancelled before it reached the loop
        let origin = connections(to: job.origin)
        if let connection = takeIdle(origin) {
            connection.start(job, reused: true)
        } else if origin.open < configuration.maximumConnectionsPerHost {
            connect(for: job, origin)
        } else {
            origin.waiting.append(job)
        }
    }

    /// The store closed a kept-alive connection before answering `job`: once more, not on a reused one.
    func retry(_ job: Job) {
        let origin = connections(to: job.origin)
        if origin.open < configuration.maximumConnectionsPerHost {
            connect(for: job, origin)
        } else {
            origin.waiting.prepend(job)
        }
    }

    private func connect(for job: Job, _ pending: Origin) {
        pending.open += 1
        let origin = job.origin
        let tls = origin.secure ? self.tls : nil
        let readTimeout = configuration.readTimeout
        ClientBootstrap(group: loop)
            .connectTimeout(configuration.connectTimeout)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelOption(.autoRead, value: false)
            .channelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        let name = origin.isIPLiteral ? nil : origin.host
                        try channel.pipeline.syncOperations.addHandler(
                            try NIOSSLClientHandler(context: tls, serverHostname: name)
                        )
                    }
                    try channel.pipeline.syncOperations.addHandler(
                        StoreConnection(origin: origin, pool: self, readTimeout: readTimeout)
                    )
                }
            }
            .connect(host: origin.host, port: origin.port)
            .flatMapThrowing { channel in
                try channel.pipeline.syncOperations.handler(type: StoreConnection.self)
            }
            .whenComplete { [self] result in
                switch result {
                case .success(let connection):
                    connection.start(job, reused: false)
                case .failure(let error):
                    let connections = self.connections(to: origin)
                    connections.open -= 1
                    job.sink.fail(error)
                    // The next waiting request tries for itself: the store may be back.
                    if let next = connections.waiting.popFirst() { submit(next) }
                }
            }
    }

    /// An idle connection to `origin`, the most recently used first; one idle too long is closed instead.
    private func takeIdle(_ origin: Origin) -> StoreConnection? {
        guard !origin.idle.isEmpty else { return nil }
        let now = NIODeadline.now()
        while let connection = origin.idle.popLast() {
            if now - connection.idleSince < configuration.idleConnectionTimeout { return connection }
            connection.close()
        }
        return nil
    }

    /// A connection whose exchange ended cleanly: the next waiting request's, or idle until one comes.
    func release(_ connection: StoreConnection) {
        guard !closed else {
            connection.close()
            return
        }
        let origin = connections(to: connection.origin)
        if let next = origin.waiting.popFirst() {
            connection.start(next, reused: true)
            return
        }
        origin.idle.append(connection)
        if sweeper == nil {
            let delay = configuration.idleConnectionTimeout
            sweeper = loop.scheduleRepeatedTask(initialDelay: delay, delay: delay) { [self] _ in sweep() }
        }
    }

    /// A connection closed, idle or not: its place goes to the next waiting request.
    func connectionClosed(_ connection: StoreConnection) {
        let origin = connections(to: connection.origin)
        origin.idle.removeAll { $0 === connection }
        origin.open -= 1
        if !closed, let next = origin.waiting.popFirst() { submit(next) }
    }

    /// Closes connections idle for longer than the idle timeout.
    private func sweep() {
        let now = NIODeadline.now()
        let timeout = configuration.idleConnectionTimeout
        for origin in origins {
            let connections = origin.idle
            origin.idle = connections.filter { now - $0.idleSince < timeout }
            for connection in connections where now - connection.idleSince >= timeout { connection.close() }
        }
    }

    /// Closes every idle connection; requests waiting fail.
    func close() {
        closed = true
        sweeper?.cancel()
        sweeper = nil
        let all = origins.flatMap(\.idle)
        let jobs = origins.flatMap(\.waiting)
        for origin in origins {
            origin.idle = []
            origin.waiting = CircularBuffer()
        }
        for connection in all { connection.close() }
        for job in jobs { job.sink.fail(StoreClientError.shutDown) }
    }
}
