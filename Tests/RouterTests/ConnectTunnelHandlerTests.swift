import Logging
import NIOCore
import NIOEmbedded
import Testing

@testable import Router

/// The forward proxy's first handler, in memory: what it answers, what it leaves in the pipeline, and which bytes
/// reach the handlers it installs.
struct ConnectTunnelHandlerTests {
    /// Collects the bytes that reach it: stands for the TLS handler the upgrade installs.
    final class Collector: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        var received = ByteBuffer()

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var buffer = Self.unwrapInboundIn(data)
            received.writeBuffer(&buffer)
        }
    }

    struct Tunnel {
        let channel: EmbeddedChannel
        let result: EventLoopFuture<Collector>
    }

    static func tunnel() throws -> Tunnel {
        let channel = EmbeddedChannel()
        let promise = channel.eventLoop.makePromise(of: Collector.self)
        let handler = ConnectTunnelHandler(
            suffixes: ["amazonaws.com", "lab.localhost"],
            promise: promise,
            logger: Logger(label: "test")
        ) { channel in
            let collector = Collector()
            try channel.pipeline.syncOperations.addHandler(collector)
            return collector
        }
        try channel.pipeline.syncOperations.addHandler(handler)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.10.5", port: 50000)).wait()
        #expect(channel.isActive)
        return Tunnel(channel: channel, result: promise.futureResult)
    }

    static func written(_ channel: EmbeddedChannel) throws -> String {
        var text = ""
        while var buffer = try channel.readOutbound(as: ByteBuffer.self) {
            text += buffer.readString(length: buffer.readableBytes) ?? ""
        }
        return text
    }

    @Test func anEndpointHostIsTunnelledAndTheBytesAfterTheHeadGoOnUntouched() throws {
        let tunnel = try Self.tunnel()
        let head = "CONNECT ap-123456789012.s3-accesspoint.us-west-2.amazonaws.com:443 HTTP/1.1\r\nHost: x\r\n"
        try tunnel.channel.writeInbound(ByteBuffer(string: head))
        #expect(try Self.written(tunnel.channel).isEmpty, "nothing is answered before the head ends")
        // The end of the head and the start of a ClientHello in one read.
        try tunnel.channel.writeInbound(ByteBuffer(bytes: Array("\r\n".utf8) + [0x16, 0x03, 0x01]))
        #expect(try Self.written(tunnel.channel) == "HTTP/1.1 200 Connection established\r\n\r\n")
        let collector = try tunnel.result.wait()
        #expect(Array(collector.received.readableBytesView) == [0x16, 0x03, 0x01])
        // Later bytes flow straight to the installed handlers: the tunnel handler has left the pipeline.
        try tunnel.channel.writeInbound(ByteBuffer(bytes: [0x02]))
        #expect(Array(collector.received.readableBytesView) == [0x16, 0x03, 0x01, 0x02])
        #expect(throws: ChannelPipelineError.self) {
            try tunnel.channel.pipeline.syncOperations.handler(type: ConnectTunnelHandler<Collector>.self)
        }
        #expect(tunnel.channel.isActive)
    }

    @Test(arguments: [
        (
            "CONNECT example.com:443 HTTP/1.1\r\n\r\n", "HTTP/1.1 403 Forbidden",
            "example.com is not under an endpoint suffix"
        ),
        (
            "CONNECT s3.amazonaws.com:22 HTTP/1.1\r\n\r\n", "HTTP/1.1 403 Forbidden",
            "only port 443 is tunnelled, not 22"
        ),
        ("GET / HTTP/1.1\r\nHost: s3.amazonaws.com\r\n\r\n", "HTTP/1.1 405 Method Not Allowed", "not GET"),
        ("\u{16}\u{03}\u{01}\u{02}\r\n\r\n", "HTTP/1.1 400 Bad Request", "request line"),
    ])
    func everythingElseIsRefusedAndClosed(request: String, statusLine: String, reason: String) throws {
        let tunnel = try Self.tunnel()
        try tunnel.channel.writeInbound(ByteBuffer(string: request))
        let answer = try Self.written(tunnel.channel)
        #expect(answer.hasPrefix(statusLine + "\r\n"), "\(answer)")
        #expect(answer.contains("Connection: close\r\n"))
        #expect(answer.contains(reason), "\(answer)")
        #expect(!tunnel.channel.isActive, "closed after the refusal")
        #expect(throws: (any Error).self) { try tunnel.result.wait() }
    }

    @Test func aClientThatSendsNoHeadIsTimedOut() throws {
        let tunnel = try Self.tunnel()
        try tunnel.channel.writeInbound(ByteBuffer(string: "CONN"))
        tunnel.channel.embeddedEventLoop.advanceTime(by: .seconds(9))
        #expect(tunnel.channel.isActive)
        tunnel.channel.embeddedEventLoop.advanceTime(by: .seconds(2))
        #expect(try Self.written(tunnel.channel).hasPrefix("HTTP/1.1 408 Request Timeout\r\n"))
        #expect(!tunnel.channel.isActive)
    }

    @Test func aClientThatLeavesMidHeadFailsTheTunnel() throws {
        let tunnel = try Self.tunnel()
        try tunnel.channel.writeInbound(ByteBuffer(string: "CONNECT s3.amazonaws.com:443 HTTP/1.1\r\n"))
        try tunnel.channel.close().wait()
        #expect(throws: (any Error).self) { try tunnel.result.wait() }
    }
}
