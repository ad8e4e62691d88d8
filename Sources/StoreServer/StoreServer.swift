import AccessPointCore
public import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import S3HTTP
import S3Serving
public import ServiceLifecycle
import Synchronization

/// `aprouter store serve`'s listener: plain HTTP/1.1 on one address, every request answered by the
/// `StoreRequestHandler`, bodies streamed both ways with backpressure exactly as the router streams them.
///
/// A `Service`: `run()` binds, accepts until graceful shutdown, then closes its listener and lets the requests in
/// flight finish.
public final class StoreServer: Service, Sendable {
    private let configuration: StoreServerConfiguration
    private let handler: StoreRequestHandler
    private let logger: Logger
    private let port = Mutex<Int?>(nil)

    public init(handler: StoreRequestHandler, logger: Logger) {
        self.configuration = handler.configuration
        self.handler = handler
        self.logger = logger
    }

    /// The port bound, once `run()` has bound it.
    public var boundPort: Int? { port.withLock { $0 } }

    private typealias Connection = HTTPServerConnection

    public func run() async throws {
        let address = configuration.listen
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            // A client that closes its sending side after its requests still gets their answers.
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .bind(host: address.host.description, port: address.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try HTTPServerConnection(configuringHTTPOn: channel)
                }
            }
        let bound = listener.channel.localAddress?.port ?? 0
        port.withLock { $0 = bound }
        logger.info("store: listening", metadata: ["store.address": "\(address.host)", "store.port": "\(bound)"])
        try await withGracefulShutdownHandler {
            try await KeepAliveServing.accept(listener) { await self.serve($0) }
        } onGracefulShutdown: {
            listener.channel.close(promise: nil)
        }
    }

    /// Answers a keep-alive connection's requests one after another (`KeepAliveServing.serve`).
    private func serve(_ connection: Connection) async {
        let peer = connection.channel.remoteAddress?.ipAddress ?? "-"
        do {
            // The request under way: `answer` fills it in, `completed` logs it.
            var record = StoreRequestHandler.Record()
            try await KeepAliveServing.serveNIO(connection) { head, body in
                record = StoreRequestHandler.Record()
                return await handler.respond(
                    method: head.method.rawValue,
                    target: head.target,
                    headers: head.fields.fields,
                    body: body,
                    record: &record
                )
            } completed: { completed in
                log(completed, record, peer: peer)
            }
        } catch {
            logger.debug("store: connection ended", metadata: ["error": "\(error)"])
        }
    }

    /// One access-log line per request, at `info`.
    private func log(_ completed: KeepAliveServing.Completed, _ record: StoreRequestHandler.Record, peer: String) {
        guard logger.logLevel <= .info else { return }
        let elapsed = completed.elapsed
        let micros = elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000
        var metadata: Logger.Metadata = [
            "request_id": "\(record.requestID)",
            "source": "\(peer)",
            "method": "\(completed.head.method.rawValue)",
            "status": "\(completed.status)",
            "bytes_in": "\(completed.received)",
            "bytes_out": "\(completed.sent)",
            "latency_us": "\(micros)",
        ]
        if let bucket = record.bucket { metadata["bucket"] = "\(bucket)" }
        if let key = record.key { metadata["key"] = "\(key)" }
        if let code = record.errorCode, completed.status != KeepAliveServing.Completed.clientClosedRequest {
            metadata["error_code"] = "\(code)"
        }
        if completed.ending != .whole { metadata["ended"] = "\(completed.ending.rawValue)" }
        logger.info("request", metadata: metadata)
    }
}
