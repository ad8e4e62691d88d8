import AccessPointCore
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// An HTTP/1.1 server on 127.0.0.1 that answers as its script says, counting the connections it accepted: the
/// store for what `rclone serve s3` cannot be made to do on cue (close a kept-alive connection unanswered, answer
/// with garbage).
final class ScriptedStore: Sendable {
    enum Reply: Sendable {
        /// 200 with this body, the connection kept alive.
        case ok(String)
        /// 200 with this body, then the connection closes (as a store's idle timeout would close it later).
        case okThenClose(String)
        /// Closes the connection without a byte of an answer.
        case closeUnanswered
        /// Bytes that are not HTTP, then the connection closes.
        case garbage
        /// A response that breaks HTTP/1.1's framing rules (both `Content-Length` and `Transfer-Encoding`), the
        /// connection left open.
        case malformed
        /// 200 with the request's body as it arrived, sent chunked in pieces of at most 4 KiB, and the request's
        /// framing in `x-request-framing` (`chunked` or `length N`).
        case echo
        /// No answer at all; the connection stays open.
        case silent
    }

    /// What to answer to the `request`th request (from 1) on the `connection`th connection (from 1).
    typealias Script = @Sendable (_ connection: Int, _ request: Int) -> Reply

    let port: Int
    private let channel: any Channel
    private let accepted: Accepted

    final class Accepted: Sendable {
        let count = Atomic<Int>(0)
        let closed = Atomic<Int>(0)
        let requests = Mutex<[String]>([])
    }

    /// The connections accepted so far.
    var connections: Int { accepted.count.load(ordering: .relaxed) }
    /// The connections closed so far (by either side).
    var closedConnections: Int { accepted.closed.load(ordering: .relaxed) }
    /// Every request as `METHOD target`, in the order they arrived.
    var requests: [String] { accepted.requests.withLock { $0 } }

    init(_ script: @escaping Script) async throws {
        let accepted = Accepted()
        self.accepted = accepted
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let number = accepted.count.wrappingAdd(1, ordering: .relaxed).newValue
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: false)
                    try channel.pipeline.syncOperations.addHandler(
                        Handler(connection: number, script: script, accepted: accepted)
                    )
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        port = channel.localAddress?.port ?? 0
    }

    func stop() async {
        try? await channel.close()
    }

    /// A store configuration pointing at this server, path-style.
    func remoteStore() throws -> LabConfiguration.RemoteStore {
        try LabConfiguration.RemoteStore(
            endpoint: "http://127.0.0.1:\(port)",
            bucket: "remote-bucket",
            accessKeyId: "SCRIPTEDKEY",
            secretAccessKey: "scripted-secret",
            pathStyle: true,
            region: Region(validating: "us-east-1")
        )
    }

    final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let connection: Int
        let script: Script
        let accepted: Accepted
        var served = 0
        var head: HTTPRequestHead?
        var body = ByteBuffer()

        init(connection: Int, script: @escaping Script, accepted: Accepted) {
            self.connection = connection
            self.script = script
            self.accepted = accepted
        }

        func channelInactive(context: ChannelHandlerContext) {
            accepted.closed.add(1, ordering: .relaxed)
            context.fireChannelInactive()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                body.clear()
            case .body(var part): body.writeBuffer(&part)
            case .end:
                served += 1
                let line = "\(head?.method.rawValue ?? "?") \(head?.uri ?? "?")"
                accepted.requests.withLock { $0.append(line) }
                let reply = script(connection, served)
                switch reply {
                case .ok(let text), .okThenClose(let text):
                    var headers = HTTPHeaders([("Content-Length", "\(text.utf8.count)")])
                    headers.add(name: "x-amz-request-id", value: "STOREREQUESTID")
                    context.write(
                        wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))),
                        promise: nil
                    )
                    context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil)
                    let written = context.writeAndFlush(wrapOutboundOut(.end(nil)))
                    if case .okThenClose = reply {
                        let channel = context.channel
                        written.whenComplete { _ in channel.close(promise: nil) }
                    }
                case .echo:
                    let framing =
                        head?.headers["transfer-encoding"].contains("chunked") == true
                        ? "chunked" : "length \(head?.headers.first(name: "content-length") ?? "none")"
                    let headers = HTTPHeaders([("x-request-framing", framing)])
                    context.write(
                        wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))),
                        promise: nil
                    )
                    while let piece = body.readSlice(length: min(4096, body.readableBytes)), piece.readableBytes > 0 {
                        context.write(wrapOutboundOut(.body(.byteBuffer(piece))), promise: nil)
                    }
                    context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
                case .malformed:
                    let channel = context.channel
                    let encoder = try? channel.pipeline.syncOperations.context(handlerType: HTTPResponseEncoder.self)
                    let bytes = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
                    encoder?.writeAndFlush(NIOAny(ByteBuffer(string: bytes)), promise: nil)
                case .closeUnanswered:
                    context.close(promise: nil)
                case .silent:
                    break
                case .garbage:
                    // Below the HTTP encoder: raw bytes on the socket.
                    let channel = context.channel
                    let encoder = try? channel.pipeline.syncOperations.context(handlerType: HTTPResponseEncoder.self)
                    encoder?.writeAndFlush(NIOAny(ByteBuffer(string: "SPLAT\r\n\r\n")))
                        .whenComplete { _ in channel.close(promise: nil) }
                }
            }
        }
    }
}

@available(*, unavailable)
extension ScriptedStore.Handler: Sendable {}
