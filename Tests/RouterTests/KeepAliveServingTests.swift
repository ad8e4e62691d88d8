import NIOCore
import NIOPosix
import S3HTTP
import S3Serving
import Testing

/// `KeepAliveServing.accept` over real sockets on 127.0.0.1: what a connection's close does to the request it was
/// serving.
struct KeepAliveServingTests {
    /// What the responder saw of its request.
    enum Seen: Sendable, Equatable { case started, cancelled, finished }

    /// Serves a listener on 127.0.0.1 whose responder waits up to `answerAfter` before answering, reporting to the
    /// returned stream; runs `body` with the listener's port, then stops serving.
    static func serving(
        answerAfter wait: Duration,
        _ body: (Int, AsyncStream<Seen>) async throws -> Void
    ) async throws {
        let (seen, report) = AsyncStream<Seen>.makeStream()
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture { try HTTPServerConnection(configuringHTTPOn: channel) }
            }
        let port = try #require(listener.channel.localAddress?.port)
        let server = Task {
            try await KeepAliveServing.accept(listener) { connection in
                try? await KeepAliveServing.serve(connection) { _, _ in
                    report.yield(.started)
                    do {
                        try await Task.sleep(for: wait)
                        report.yield(.finished)
                    } catch {
                        report.yield(.cancelled)
                    }
                    return (S3Response(status: 204), ())
                } completed: { _, _ in
                }
            }
        }
        defer {
            listener.channel.close(promise: nil)
            server.cancel()
        }
        try await body(port, seen)
    }

    /// A raw TCP client: sends `request`, and returns the connection.
    static func send(_ request: String, to port: Int) async throws -> any Channel {
        let client = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port).get()
        try await client.writeAndFlush(ByteBuffer(string: request))
        return client
    }

    /// A client that leaves while its request is being answered cancels that answer: the wait for a store ends when
    /// the client goes, not when the store answers (a minute here: the answer reports `finished` then).
    @Test func aClientThatLeavesCancelsTheRequestItLeftWaiting() async throws {
        try await Self.serving(answerAfter: .seconds(60)) { port, seen in
            var events = seen.makeAsyncIterator()
            let client = try await Self.send("GET /k HTTP/1.1\r\nHost: h\r\n\r\n", to: port)
            #expect(await events.next() == .started)
            try await client.close()
            #expect(await events.next() == .cancelled, "the answer was not cancelled when its client left")
        }
    }

    /// A client that stays gets its answer, and a connection closed by the server after it (HTTP/1.0 without
    /// keep-alive) cancels nothing.
    @Test func aClientThatStaysGetsItsAnswer() async throws {
        try await Self.serving(answerAfter: .milliseconds(200)) { port, seen in
            var events = seen.makeAsyncIterator()
            let client = try await Self.send("GET /k HTTP/1.0\r\n\r\n", to: port)
            #expect(await events.next() == .started)
            #expect(await events.next() == .finished)
            try await client.closeFuture.get()  // the server closes an HTTP/1.0 connection after its answer
        }
    }
}
