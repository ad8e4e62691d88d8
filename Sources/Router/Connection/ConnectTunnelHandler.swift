import AccessPointCore
import Logging
import NIOCore

/// The first handler of a connection to the forward-proxy listener (`listeners.proxy`). It reads the client's
/// `CONNECT host:443` head and either refuses it (an HTTP status and a one-line reason, then close) or answers
/// `200 Connection established` and turns the same connection into an HTTPS one in place: `upgrade` installs the
/// router's TLS and HTTP handlers after this one, and this handler removes itself. The tunnel ends in this process;
/// the proxy never opens a connection anywhere, and the request's source is the client's own address.
///
/// Bytes after the head (a client may send its ClientHello without waiting for the 200) go on to TLS untouched.
final class ConnectTunnelHandler<Upgraded: Sendable>: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// How long a client may take to send its CONNECT head.
    static var headTimeout: TimeAmount { .seconds(10) }

    private let suffixes: [String]
    private let upgrade: (any Channel) throws -> Upgraded
    private let promise: EventLoopPromise<Upgraded>
    private let logger: Logger
    private var received: ByteBuffer?
    private var state = State.readingHead
    private var timeout: Scheduled<Void>?

    private enum State { case readingHead, tunnelling, refused }

    /// - Parameters:
    ///   - suffixes: the lab's endpoint suffixes; only hosts under them, on port 443, are tunnelled.
    ///   - promise: succeeds with what `upgrade` returned once the tunnel is up, fails when the connection ends
    ///     without one.
    init(
        suffixes: [String],
        promise: EventLoopPromise<Upgraded>,
        logger: Logger,
        upgrade: @escaping (any Channel) throws -> Upgraded
    ) {
        self.suffixes = suffixes
        self.promise = promise
        self.logger = logger
        self.upgrade = upgrade
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timeout = context.eventLoop.scheduleTask(in: Self.headTimeout) {
            let (handler, context) = loopBound.value
            guard case .readingHead = handler.state else { return }
            handler.refuse(context: context, status: 408, reason: "no CONNECT request within 10 seconds")
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timeout?.cancel()
        promise.fail(ChannelError.inputClosed)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .readingHead = state else {
            // Refused: whatever else the client sends is dropped while the refusal is written.
            return
        }
        var incoming = Self.unwrapInboundIn(data)
        if received == nil {
            received = incoming
        } else {
            received!.writeBuffer(&incoming)
        }
        switch ConnectRequest.parse(received!.readableBytesView) {
        case .needMoreData:
            return
        case .refused(let status, let reason):
            refuse(context: context, status: status, reason: reason)
        case .connect(let host, let port, let length):
            if let reason = ConnectRequest.refusal(host: host, port: port, suffixes: suffixes) {
                refuse(context: context, status: 403, reason: reason)
                return
            }
            tunnel(context: context, afterHead: length)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        timeout?.cancel()
        promise.fail(ChannelError.inputClosed)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.fail(error)
        context.close(promise: nil)
    }

    private func tunnel(context: ChannelHandlerContext, afterHead length: Int) {
        state = .tunnelling
        timeout?.cancel()
        var rest = received!
        received = nil
        rest.moveReaderIndex(forwardBy: length)
        context.writeAndFlush(
            Self.wrapOutboundOut(ByteBuffer(string: "HTTP/1.1 200 Connection established\r\n\r\n")),
            promise: nil
        )
        do {
            promise.succeed(try upgrade(context.channel))
        } catch {
            promise.fail(error)
            context.close(promise: nil)
            return
        }
        if rest.readableBytes > 0 { context.fireChannelRead(Self.wrapInboundOut(rest)) }
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    private func refuse(context: ChannelHandlerContext, status: Int, reason: String) {
        state = .refused
        timeout?.cancel()
        received = nil
        logger.info(
            "proxy: refused",
            metadata: [
                "source": "\(context.channel.remoteAddress?.description ?? "-")", "status": "\(status)",
                "reason": "\(reason)",
            ]
        )
        let body = "aprouter proxy: \(reason)\n"
        let head =
            "HTTP/1.1 \(status) \(Self.phrase(status))\r\nContent-Type: text/plain; charset=utf-8\r\n"
            + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n"
        let channel = context.channel
        context.writeAndFlush(Self.wrapOutboundOut(ByteBuffer(string: head + body))).whenComplete { _ in
            channel.close(promise: nil)
        }
        promise.fail(ChannelError.inputClosed)
    }

    private static func phrase(_ status: Int) -> String {
        switch status {
        case 400: "Bad Request"
        case 403: "Forbidden"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 431: "Request Header Fields Too Large"
        default: "Error"
        }
    }
}

@available(*, unavailable)
extension ConnectTunnelHandler: Sendable {}
