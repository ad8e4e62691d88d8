import AccessPointCore
public import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import S3HTTP
public import ServiceLifecycle
import Synchronization

/// The router's listeners: HTTPS (TLS 1.2+, HTTP/1.1) for every S3 and S3 Control request, and plain HTTP, which
/// answers every request with an S3 error saying HTTPS is required and forwards nothing.
///
/// A `Service`: `run()` binds both, accepts until graceful shutdown, then closes its listeners.
public final class RouterServer: Service, Sendable {
    private let configuration: RouterConfiguration
    private let handler: RouterRequestHandler
    private let logger: Logger
    private let ports = Mutex<(https: Int, http: Int)?>(nil)

    public init(handler: RouterRequestHandler, logger: Logger) {
        self.configuration = handler.configuration
        self.handler = handler
        self.logger = logger
    }

    /// The ports bound, once `run()` has bound them.
    public var boundPorts: (https: Int, http: Int)? { ports.withLock { $0 } }

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
        let https = try await bind(configuration.https) { channel in
            try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
        }
        let http = try await bind(configuration.http) { _ in }
        let bound = (https.channel.localAddress?.port ?? 0, http.channel.localAddress?.port ?? 0)
        ports.withLock { $0 = bound }
        logger.info(
            "router: listening",
            metadata: ["router.https_port": "\(bound.0)", "router.http_port": "\(bound.1)"]
        )
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { try await self.accept(https, secure: true) }
                group.addTask { try await self.accept(http, secure: false) }
            }
        } onGracefulShutdown: {
            https.channel.close(promise: nil)
            http.channel.close(promise: nil)
        }
    }

    private typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

    private func bind(
        _ address: ListenAddress,
        _ configure: @escaping @Sendable (any Channel) throws -> Void
    ) async throws -> NIOAsyncChannel<Connection, Never> {
        try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: address.host.description, port: address.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try configure(channel)
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    return try Connection(wrappingChannelSynchronously: channel)
                }
            }
    }

    private func accept(_ listener: NIOAsyncChannel<Connection, Never>, secure: Bool) async throws {
        try await listener.executeThenClose { connections in
            try await withThrowingDiscardingTaskGroup { group in
                for try await connection in connections {
                    group.addTask { await self.serve(connection, secure: secure) }
                }
            }
        }
    }

    /// Reads requests one after another on a keep-alive connection and answers each.
    private func serve(_ connection: Connection, secure: Bool) async {
        do {
            try await connection.executeThenClose { inbound, outbound in
                var head: HTTPRequestHead?
                var body: [UInt8] = []
                var tooLarge = false
                for try await part in inbound {
                    switch part {
                    case .head(let requestHead):
                        head = requestHead
                        body = []
                        tooLarge = false
                    case .body(let buffer):
                        if body.count + buffer.readableBytes > configuration.maximumControlBodyBytes {
                            tooLarge = true
                        } else {
                            body += buffer.readableBytesView
                        }
                    case .end:
                        guard let requestHead = head else { continue }
                        let response = await answer(requestHead, body: body, secure: secure, tooLarge: tooLarge)
                        try await write(response, to: outbound, for: requestHead)
                        head = nil
                    }
                }
            }
        } catch {
            logger.debug("router: connection ended", metadata: ["error": "\(error)"])
        }
    }

    private func answer(_ head: HTTPRequestHead, body: [UInt8], secure: Bool, tooLarge: Bool) async -> S3Response {
        let renderer = S3ErrorRenderer(envelope: .s3)
        guard secure else {
            return renderer.response(
                for: .invalidRequest.because("Access points only support HTTPS: use https:// and the same host."),
                id: handler.requestIDs.next()
            )
        }
        guard !tooLarge else {
            return renderer.response(for: .entityTooLarge, id: handler.requestIDs.next())
        }
        let headers = head.headers.map { (name: $0.name, value: $0.value) }
        return await handler.respond(method: head.method.rawValue, target: head.uri, headers: headers, body: body)
    }

    private func write(
        _ response: S3Response,
        to outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>,
        for request: HTTPRequestHead
    ) async throws {
        var headers = HTTPHeaders(response.headers.map { ($0.name, $0.value) })
        if !headers.contains(name: "content-length"), let length = response.body.length {
            headers.add(name: "Content-Length", value: "\(length)")
        }
        try await outbound.write(
            .head(
                HTTPResponseHead(version: request.version, status: .init(statusCode: response.status), headers: headers)
            )
        )
        if request.method != .HEAD {
            for try await chunk in response.body where chunk.readableBytes > 0 {
                try await outbound.write(.body(.byteBuffer(chunk)))
            }
        }
        try await outbound.write(.end(nil))
    }
}
