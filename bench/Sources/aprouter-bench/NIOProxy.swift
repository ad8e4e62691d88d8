import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// `aprouter-bench nio-proxy`: the floor of the HTTPS proxy benchmark (bench/router/run.sh), the leanest reverse
/// proxy on aprouter's own stack with none of its S3 work.
///
/// TLS in (NIOSSL, aprouter's certificate and key), NIOHTTP1's server codec, each request's method, path and headers
/// forwarded with Host set to the origin's, over one keep-alive connection per client connection (NIOHTTP1's client
/// codec), and the response streamed back part by part. Channel handlers on one event loop and no async/await, so what
/// it costs per request is what the stack costs: aprouter's CPU above it is aprouter's own work.
enum NIOProxy {
    static let synopsis =
        "aprouter-bench nio-proxy --listen IP:PORT --origin IP:PORT --certificate PEM-FILE --key PEM-FILE"

    /// Parses the arguments after `nio-proxy`, then serves until the process is stopped.
    static func run(_ arguments: [String]) -> Never {
        var arguments = arguments
        var options: [String: String] = [:]
        while !arguments.isEmpty {
            let flag = arguments.removeFirst()
            guard ["--listen", "--origin", "--certificate", "--key"].contains(flag), !arguments.isEmpty else {
                fail("unknown argument or missing value: '\(flag)'\nusage: \(synopsis)")
            }
            options[flag] = arguments.removeFirst()
        }
        guard let listen = options["--listen"], let origin = options["--origin"],
            let certificate = options["--certificate"], let key = options["--key"]
        else { fail("usage: \(synopsis)") }
        do {
            try serve(
                listen: address(listen),
                origin: address(origin),
                originHost: origin,
                certificate: certificate,
                key: key
            )
        } catch {
            fail("nio-proxy: \(error)")
        }
        exit(0)
    }

    /// Binds `listen` on a one-thread event loop group and serves until the listening channel closes.
    private static func serve(
        listen: SocketAddress,
        origin: SocketAddress,
        originHost: String,
        certificate: String,
        key: String
    ) throws {
        // The TLS settings of aprouter's RouterServer.
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
        )
        configuration.minimumTLSVersion = .tlsv12
        configuration.applicationProtocols = ["http/1.1"]
        let tls = try NIOSSLContext(configuration: configuration)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let server = try ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    try pipeline.addHandler(NIOSSLServerHandler(context: tls))
                    try pipeline.configureHTTPServerPipeline(withPipeliningAssistance: false, withErrorHandling: true)
                    try pipeline.addHandler(ClientHandler(origin: origin, originHost: originHost))
                }
            }
            .bind(to: listen)
            .wait()
        print("nio-proxy: listening on \(listen), forwarding to \(origin)")
        try server.closeFuture.wait()
    }

    private static func address(_ text: String) -> SocketAddress {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            let address = try? SocketAddress(ipAddress: String(text[..<colon]), port: port)
        else { fail("nio-proxy: expected IP:PORT, not '\(text)'") }
        return address
    }
}

/// The client end of one proxied connection: requests in (after TLS and the server codec), responses out.
///
/// Requests go to the origin over a keep-alive connection of this client connection's own, opened at its first
/// request and reused: what nginx's upstream `keepalive` amounts to when each connection has one request at a time.
/// One request is at the origin at a time. Parts that arrive while that connection is being opened, or while the
/// previous response is still streaming (a pipelining client), wait in `waiting`, and the client is not read while any
/// wait, nor while the origin connection cannot take more (an upload faster than the origin). A client that sends its
/// next request only after the previous response, as wrk and curl do, never waits and is read without pause.
final class ClientHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private enum Origin {
        /// No connection: before the first request, or after the origin closed one between requests.
        case none
        case connecting
        case connected(any Channel)
    }

    /// Where the current exchange is.
    private enum Exchange {
        /// Between requests: the next part is a request's head.
        case idle
        /// Forwarding a request's head and body.
        case request
        /// The request is at the origin and its response is streaming back.
        case response
    }

    private let originAddress: SocketAddress
    /// The Host header of every forwarded request.
    private let originHost: String
    private var origin = Origin.none
    private var exchange = Exchange.idle
    private var waiting = CircularBuffer<HTTPServerRequestPart>()
    /// A `read` held back until the waiting parts are forwarded and the origin connection can take more.
    private var readHeld = false
    /// Whether the client keeps the connection after the current response (its request's Connection header).
    private var clientKeepsAlive = true
    /// Whether the origin keeps its connection after the current response.
    private var originKeepsAlive = true

    init(origin: SocketAddress, originHost: String) {
        self.originAddress = origin
        self.originHost = originHost
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if case .connected(let channel) = origin, waiting.isEmpty, exchange != .response {
            forward(part, to: channel)
        } else {
            waiting.append(part)
            if case .none = origin { connect(context: context) }
        }
    }

    /// One flush to the origin for everything one read of the client forwarded.
    func channelReadComplete(context: ChannelHandlerContext) {
        if case .connected(let channel) = origin { channel.flush() }
    }

    func read(context: ChannelHandlerContext) {
        if waiting.isEmpty && originIsWritable {
            context.read()
        } else {
            readHeld = true
        }
    }

    /// The download's backpressure: the origin connection is read only while the client can take more.
    func channelWritabilityChanged(context: ChannelHandlerContext) {
        followClientWritability(context: context)
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if case .connected(let channel) = origin { channel.close(promise: nil) }
        origin = .none
        waiting.removeAll()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    /// Writes one part of the origin's response to the client; `OriginHandler` flushes after each of its reads.
    func relay(_ part: HTTPClientResponsePart, context: ChannelHandlerContext) {
        switch part {
        case .head(var head):
            originKeepsAlive = head.isKeepAlive
            head.headers.removeHopByHopFields()
            if !clientKeepsAlive { head.headers.add(name: "connection", value: "close") }
            head.version = .http1_1
            context.write(wrapOutboundOut(.head(head)), promise: nil)
        case .body(let buffer):
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        case .end(let trailers):
            exchange = .idle
            guard clientKeepsAlive else {
                context.writeAndFlush(wrapOutboundOut(.end(trailers))).assumeIsolated().whenComplete { _ in
                    context.close(promise: nil)
                }
                return
            }
            context.write(wrapOutboundOut(.end(trailers)), promise: nil)
            if !originKeepsAlive, case .connected(let channel) = origin {
                // Closed within its read, the origin connection reports no `channelReadComplete`, where the
                // response would be flushed.
                context.flush()
                origin = .none
                channel.close(promise: nil)
            }
            forwardWaiting(context: context)
        }
    }

    /// The upload's backpressure: reading the client resumes when the origin connection can take more.
    func originWritabilityChanged(context: ChannelHandlerContext) {
        resumeReading(context: context)
    }

    /// The origin closed `channel`: if an exchange was under way on it, the client's connection closes too.
    func originClosed(_ channel: any Channel, context: ChannelHandlerContext) {
        guard case .connected(let current) = origin, current === channel else { return }
        origin = .none
        // A response the origin ended by closing (no Content-Length) ends in no `channelReadComplete`.
        context.flush()
        if exchange != .idle { context.close(promise: nil) }
    }

    private var originIsWritable: Bool {
        if case .connected(let channel) = origin { channel.isWritable } else { true }
    }

    /// Sends one request part to the origin, with the request's head made the origin's: Host set to it, version
    /// HTTP/1.1 (keep-alive), no hop-by-hop fields.
    private func forward(_ part: HTTPServerRequestPart, to channel: any Channel) {
        switch part {
        case .head(var head):
            clientKeepsAlive = head.isKeepAlive
            head.headers.removeHopByHopFields()
            head.headers.replaceOrAdd(name: "host", value: originHost)
            head.version = .http1_1
            exchange = .request
            channel.write(HTTPClientRequestPart.head(head), promise: nil)
        case .body(let buffer):
            channel.write(HTTPClientRequestPart.body(.byteBuffer(buffer)), promise: nil)
        case .end(let trailers):
            exchange = .response
            channel.write(HTTPClientRequestPart.end(trailers), promise: nil)
        }
    }

    /// Forwards the waiting parts up to the end of the next request (or opens a connection for them), then lets the
    /// client be read again if none wait.
    private func forwardWaiting(context: ChannelHandlerContext) {
        switch origin {
        case .none:
            if !waiting.isEmpty { connect(context: context) }
        case .connecting:
            break
        case .connected(let channel):
            while exchange != .response, let part = waiting.popFirst() { forward(part, to: channel) }
            channel.flush()
            resumeReading(context: context)
        }
    }

    /// Issues the held `read` once nothing waits and the origin connection can take more.
    private func resumeReading(context: ChannelHandlerContext) {
        guard readHeld, waiting.isEmpty, originIsWritable else { return }
        readHeld = false
        context.read()
    }

    /// Lets the origin connection be read only while the client's can take more.
    private func followClientWritability(context: ChannelHandlerContext) {
        guard case .connected(let channel) = origin else { return }
        do {
            try channel.syncOptions?.setOption(.autoRead, value: context.channel.isWritable)
        } catch {
            context.close(promise: nil)
        }
    }

    /// Opens the origin connection; the waiting parts go out on it once it is up. If it cannot be opened, the
    /// client's connection closes.
    private func connect(context: ChannelHandlerContext) {
        origin = .connecting
        ClientBootstrap(group: context.eventLoop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHTTPClientHandlers() }
            }
            .connect(to: originAddress)
            .assumeIsolated()
            .whenComplete { result in
                switch result {
                case .success(let channel) where context.channel.isActive:
                    do {
                        try channel.pipeline.syncOperations.addHandler(
                            OriginHandler(client: self, clientContext: context)
                        )
                    } catch {
                        channel.close(promise: nil)
                        context.close(promise: nil)
                        return
                    }
                    self.origin = .connected(channel)
                    self.followClientWritability(context: context)
                    self.forwardWaiting(context: context)
                case .success(let channel):
                    channel.close(promise: nil)
                case .failure:
                    context.close(promise: nil)
                }
            }
    }
}

/// The origin end of one proxied connection: hands each response part to the client's handler, flushes the client
/// once per read, and reports writability and closure.
final class OriginHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    private let client: ClientHandler
    private let clientContext: ChannelHandlerContext

    init(client: ClientHandler, clientContext: ChannelHandlerContext) {
        self.client = client
        self.clientContext = clientContext
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        client.relay(unwrapInboundIn(data), context: clientContext)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        clientContext.flush()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        client.originWritabilityChanged(context: clientContext)
    }

    func channelInactive(context: ChannelHandlerContext) {
        client.originClosed(context.channel, context: clientContext)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

extension HTTPHeaders {
    /// Drops the fields that belong to one connection and must not be forwarded (RFC 9110, 7.6.1): Connection, the
    /// fields it names, Keep-Alive, Proxy-Connection, TE and Upgrade. Framing fields stay: the codecs frame each
    /// forwarded body as its Content-Length or Transfer-Encoding says.
    fileprivate mutating func removeHopByHopFields() {
        for name in self[canonicalForm: "connection"] { remove(name: String(name)) }
        for name in ["connection", "keep-alive", "proxy-connection", "te", "upgrade"] { remove(name: name) }
    }
}
