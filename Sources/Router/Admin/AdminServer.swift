public import AccessPointCore
public import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
public import ServiceLifecycle
import Synchronization

/// The operator's listener (loopback by default): `/health` answers while the process runs, `/ready` once the
/// router's listeners are bound, `/metrics` in Prometheus's text format. Plain HTTP, GET and HEAD only.
public final class AdminServer: Service, Sendable {
    private let address: ListenAddress
    private let metrics: RouterMetrics
    private let isReady: @Sendable () -> Bool
    private let logger: Logger
    private let port = Mutex<Int?>(nil)

    public init(
        address: ListenAddress,
        metrics: RouterMetrics,
        isReady: @escaping @Sendable () -> Bool,
        logger: Logger
    ) {
        self.address = address
        self.metrics = metrics
        self.isReady = isReady
        self.logger = logger
    }

    public var boundPort: Int? { port.withLock { $0 } }

    private typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

    public func run() async throws {
        let listener: NIOAsyncChannel<Connection, Never>
        do {
            listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .bind(host: address.host.description, port: address.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                        return try Connection(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw ListenError(listener: "admin", address: address, underlying: error)
        }
        let bound = listener.channel.localAddress?.port ?? 0
        port.withLock { $0 = bound }
        logger.info("admin: listening", metadata: ["admin.port": "\(bound)"])
        try await withGracefulShutdownHandler {
            try await listener.executeThenClose { connections in
                try await withThrowingDiscardingTaskGroup { group in
                    for try await connection in connections {
                        group.addTask { await self.serve(connection) }
                    }
                }
            }
        } onGracefulShutdown: {
            listener.channel.close(promise: nil)
        }
    }

    private func serve(_ connection: Connection) async {
        try? await connection.executeThenClose { inbound, outbound in
            for try await part in inbound {
                guard case .head(let head) = part else { continue }
                let (status, contentType, body) = answer(head)
                var headers = HTTPHeaders([("Content-Type", contentType), ("Content-Length", "\(body.count)")])
                if !head.isKeepAlive { headers.add(name: "Connection", value: "close") }
                try await outbound.write(
                    .head(HTTPResponseHead(version: head.version, status: status, headers: headers))
                )
                if head.method != .HEAD { try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body)))) }
                try await outbound.write(.end(nil))
                if !head.isKeepAlive { return }
            }
        }
    }

    func answer(_ head: HTTPRequestHead) -> (HTTPResponseStatus, String, [UInt8]) {
        guard head.method == .GET || head.method == .HEAD else {
            return (.methodNotAllowed, "text/plain", Array("Only GET and HEAD are served here.\n".utf8))
        }
        switch head.uri.split(separator: "?", maxSplits: 1).first ?? "" {
        case "/health":
            return (.ok, "text/plain", Array("ok\n".utf8))
        case "/ready":
            return isReady()
                ? (.ok, "text/plain", Array("ready\n".utf8))
                : (.serviceUnavailable, "text/plain", Array("starting\n".utf8))
        case "/metrics":
            return (.ok, "text/plain; version=0.0.4; charset=utf-8", metrics.render())
        default:
            return (.notFound, "text/plain", Array("Not found: /health, /ready and /metrics are served.\n".utf8))
        }
    }
}
